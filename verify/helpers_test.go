package verify

import (
	"errors"
	"net"
	"net/url"
)

type netConn = net.Conn

var errRefused = errors.New("connect: connection refused")

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
