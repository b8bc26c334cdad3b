//go:build tools

package main

// The helm shape: a history like a Helm chart monorepo's. A few hundred
// large YAML, template and README files (50–500 KB each), and tens of
// thousands of commits that each edit a few lines of one or two of them
// (values changed, lines inserted, deleted or moved, blocks reordered),
// with generated fake secrets planted along the way (single-line tokens
// and multi-line private keys; some removed later). Every version of a big
// file is a new blob that differs from the previous one by a few lines:
// the history where matching whole blobs costs most against reading
// patches.

import (
	"bufio"
	"encoding/asn1"
	"encoding/base64"
	"fmt"
	"math"
	"math/big"
	"math/rand"
	"strings"
)

type helmFile struct {
	path  string
	lines []string // each with its newline
	yaml  bool
}

type helmGen struct {
	w       *bufio.Writer
	r       *rand.Rand
	files   []*helmFile
	mark    int
	tip     int
	when    int64
	planted []string
	live    []helmSecret
}

type helmSecret struct {
	f     *helmFile
	lines []string
}

var (
	charts = []string{"nginx", "redis", "postgresql", "kafka", "grafana", "prometheus", "vault", "keycloak",
		"mongodb", "mysql", "rabbitmq", "elasticsearch", "minio", "jenkins", "gitlab", "harbor", "airflow",
		"cassandra", "etcd", "consul", "traefik", "argo-cd", "loki", "tempo", "memcached", "zookeeper",
		"wordpress", "drupal", "ghost", "mariadb", "nats", "spark", "superset", "thanos", "fluentd", "clickhouse"}
	words = []string{"the", "chart", "deploys", "a", "service", "with", "persistent", "volume", "claim", "and",
		"optional", "ingress", "resources", "limits", "requests", "for", "each", "container", "replica", "count",
		"node", "selector", "affinity", "tolerations", "annotations", "labels", "enabled", "default", "value",
		"configuration", "of", "metrics", "exporter", "sidecar", "probe", "liveness", "readiness", "startup",
		"image", "registry", "repository", "tag", "pull", "policy", "secret", "password", "token", "key",
		"existing", "name", "port", "protocol", "timeout", "seconds", "cluster", "domain", "auth", "tls"}
	keys = []string{"enabled", "replicaCount", "image", "registry", "repository", "tag", "pullPolicy",
		"resources", "limits", "requests", "cpu", "memory", "nodeSelector", "tolerations", "affinity",
		"podAnnotations", "podLabels", "service", "type", "port", "targetPort", "ingress", "hostname", "path",
		"existingSecret", "secretKey", "passwordKey", "tokenKey", "auth", "username", "database", "persistence",
		"storageClass", "accessModes", "size", "metrics", "serviceMonitor", "interval", "scrapeTimeout",
		"livenessProbe", "readinessProbe", "initialDelaySeconds", "periodSeconds", "failureThreshold",
		"extraEnvVars", "extraVolumes", "sidecars", "initContainers", "rbac", "create", "serviceAccount"}
)

func (g *helmGen) word() string { return words[g.r.Intn(len(words))] }

func (g *helmGen) sentence(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.word()
	}
	return strings.Join(ws, " ")
}

// yamlLine returns one line of a values file at the given depth.
func (g *helmGen) yamlLine(depth int) string {
	ind := strings.Repeat("  ", depth)
	k := keys[g.r.Intn(len(keys))]
	switch g.r.Intn(8) {
	case 0:
		return ind + "## " + g.sentence(4+g.r.Intn(10)) + "\n"
	case 1:
		return ind + "## @param " + k + " " + g.sentence(3+g.r.Intn(8)) + "\n"
	case 2:
		return ind + k + ": " + fmt.Sprint(g.r.Intn(65536)) + "\n"
	case 3:
		return ind + k + ": \"" + g.word() + "-" + g.word() + "\"\n"
	case 4:
		return ind + k + ": " + []string{"true", "false", "\"\"", "[]", "{}"}[g.r.Intn(5)] + "\n"
	case 5:
		return ind + "- name: " + strings.ToUpper(g.word()+"_"+g.word()) + "\n"
	case 6:
		return ind + k + ": {{ .Values." + k + "." + keys[g.r.Intn(len(keys))] + " | quote }}\n"
	default:
		return ind + k + ":\n"
	}
}

// mdLine returns one line of a README.
func (g *helmGen) mdLine() string {
	switch g.r.Intn(6) {
	case 0:
		return "| `" + keys[g.r.Intn(len(keys))] + "." + keys[g.r.Intn(len(keys))] + "` | " + g.sentence(5+g.r.Intn(12)) + " | `" + g.word() + "` |\n"
	case 1:
		return "### " + g.sentence(2+g.r.Intn(4)) + "\n"
	case 2:
		return "\n"
	default:
		return g.sentence(8+g.r.Intn(20)) + ".\n"
	}
}

func (g *helmGen) line(f *helmFile) string {
	if f.yaml {
		return g.yamlLine(g.r.Intn(4))
	}
	return g.mdLine()
}

func (g *helmGen) init(n, minSize, maxSize int) {
	for i := 0; i < n; i++ {
		chart := charts[i%len(charts)]
		var path string
		yaml := true
		switch i / len(charts) % 4 {
		case 0:
			path = "charts/" + chart + "/values.yaml"
		case 1:
			path = "charts/" + chart + "/README.md"
			yaml = false
		case 2:
			path = "charts/" + chart + "/templates/_helpers.tpl"
		default:
			path = fmt.Sprintf("charts/%s/values-%d.schema.yaml", chart, i/len(charts))
		}
		if i >= 4*len(charts) {
			path = fmt.Sprintf("charts/%s-%d/%s", chart, i/len(charts), path[len("charts/"+chart+"/"):])
		}
		f := &helmFile{path: path, yaml: yaml}
		// Sizes spread log-uniformly between minSize and maxSize.
		size := int(float64(minSize) * math.Pow(float64(maxSize)/float64(minSize), g.r.Float64()))
		for n := 0; n < size; {
			l := g.line(f)
			f.lines = append(f.lines, l)
			n += len(l)
		}
		g.files = append(g.files, f)
	}
}

func (g *helmGen) rnd(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.Intn(len(alphabet))]
	}
	return string(b)
}

// fakeSecret returns the lines of a generated, well-formed fake secret.
func (g *helmGen) fakeSecret(i int, f *helmFile) []string {
	ind := "  "
	if !f.yaml {
		ind = "    "
	}
	switch i % 6 {
	case 0:
		return []string{ind + "accessKeyId: AKIA" + g.rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16) + "\n"}
	case 1:
		return []string{ind + "slackToken: \"xoxb-" + g.rnd("123456789", 1) + g.rnd("0123456789", 11) + "-" + g.rnd("123456789", 1) + g.rnd("0123456789", 12) + "-" + g.rnd(alnum, 24) + "\"\n"}
	case 2:
		return []string{ind + "stripeKey: sk_live_" + g.rnd(alnum, 24) + "\n"}
	case 3:
		return []string{ind + "url: \"postgres://app:" + g.rnd(alnum, 16) + "@db" + g.rnd("0123456789", 2) + ".internal:5432/app\"\n"}
	case 4:
		return []string{ind + "apiToken: \"" + g.rnd(alnum, 32) + "\"\n"}
	default:
		// A multi-line private key in a block scalar. Its body is a PKCS#1
		// structure (a SEQUENCE of a version and eight INTEGERs, the sizes
		// of a 1024- or 2048-bit key) of random numbers: shaped like a key,
		// as the private-key rules require, but no key at all.
		b := base64.StdEncoding.EncodeToString(g.fakeRSA(64 << g.r.Intn(2)))
		out := []string{ind + "tls.key: |\n", ind + "  -----BEGIN RSA PRIVATE KEY-----\n"}
		for len(b) > 64 {
			out = append(out, ind+"  "+b[:64]+"\n")
			b = b[64:]
		}
		return append(out, ind+"  "+b+"\n", ind+"  -----END RSA PRIVATE KEY-----\n")
	}
}

// fakeRSA returns a DER PKCS#1 RSAPrivateKey of random numbers whose
// primes are half bytes long.
func (g *helmGen) fakeRSA(half int) []byte {
	num := func(n int) *big.Int {
		b := make([]byte, n)
		g.r.Read(b)
		b[0] |= 0x80
		return new(big.Int).SetBytes(b)
	}
	key := struct {
		Version                     int
		N, E, D, P, Q, Dp, Dq, Qinv *big.Int
	}{0, num(2 * half), big.NewInt(65537), num(2 * half), num(half), num(half), num(half), num(half), num(half)}
	der, err := asn1.Marshal(key)
	if err != nil {
		panic(err) // only big.Ints and an int: cannot fail
	}
	return der
}

// edit changes a few lines of f: a value changed, lines inserted, deleted,
// or a block moved elsewhere.
func (g *helmGen) edit(f *helmFile) {
	k := 1 + g.r.Intn(3)
	for ; k > 0; k-- {
		n := len(f.lines)
		at := g.r.Intn(n)
		switch x := g.r.Intn(10); {
		case x < 5: // replace 1–3 lines
			for j := 0; j < 1+g.r.Intn(3) && at+j < n; j++ {
				f.lines[at+j] = g.line(f)
			}
		case x < 7: // insert 1–6 lines
			ins := make([]string, 1+g.r.Intn(6))
			for j := range ins {
				ins[j] = g.line(f)
			}
			f.lines = append(f.lines[:at], append(ins, f.lines[at:]...)...)
		case x < 9: // delete 1–4 lines
			d := min(1+g.r.Intn(4), n-at)
			if n-d > 10 {
				f.lines = append(f.lines[:at], f.lines[at+d:]...)
			}
		default: // move a block of up to 40 lines
			m := min(1+g.r.Intn(40), n-at)
			block := append([]string(nil), f.lines[at:at+m]...)
			rest := append(f.lines[:at:at], f.lines[at+m:]...)
			to := g.r.Intn(len(rest) + 1)
			f.lines = append(rest[:to], append(block, rest[to:]...)...)
		}
	}
}

func (g *helmGen) data(s []string) {
	n := 0
	for _, l := range s {
		n += len(l)
	}
	fmt.Fprintf(g.w, "data %d\n", n)
	for _, l := range s {
		g.w.WriteString(l)
	}
	g.w.WriteByte('\n')
}

func (g *helmGen) commit(ref string, from, merge int, msg string, fs []*helmFile) int {
	g.mark++
	g.when += 300 + int64(g.r.Intn(600))
	fmt.Fprintf(g.w, "commit %s\nmark :%d\n", ref, g.mark)
	who := []string{"Ada Lovelace <ada@example.com>", "Alan Turing <alan@example.com>", "Grace Hopper <grace@example.com>"}[g.r.Intn(3)]
	fmt.Fprintf(g.w, "author %s %d +0000\ncommitter %s %d +0000\n", who, g.when, who, g.when)
	g.data([]string{msg})
	if from > 0 {
		fmt.Fprintf(g.w, "from :%d\n", from)
	}
	if merge > 0 {
		fmt.Fprintf(g.w, "merge :%d\n", merge)
	}
	for _, f := range fs {
		fmt.Fprintf(g.w, "M 100644 inline %s\n", f.path)
		g.data(f.lines)
	}
	g.w.WriteByte('\n')
	return g.mark
}

func (g *helmGen) run(commits, nsecrets int) {
	secretAt := map[int]bool{}
	for len(secretAt) < nsecrets && len(secretAt) < commits/2 {
		secretAt[1+g.r.Intn(commits-1)] = true
	}
	g.tip = g.commit("refs/heads/main", 0, 0, "import charts\n", g.files)
	for n := 1; n < commits; n++ {
		var touched []*helmFile
		seen := map[*helmFile]bool{}
		nf := 1
		if g.r.Intn(5) == 0 {
			nf = 2 + g.r.Intn(2)
		}
		for i := 0; i < nf; i++ {
			f := g.files[g.r.Intn(len(g.files))]
			if seen[f] {
				continue
			}
			seen[f] = true
			g.edit(f)
			touched = append(touched, f)
		}
		f := touched[0]
		switch {
		case secretAt[n]:
			sec := g.fakeSecret(len(g.planted), f)
			at := g.r.Intn(len(f.lines))
			f.lines = append(f.lines[:at], append(append([]string(nil), sec...), f.lines[at:]...)...)
			l := sec[0]
			if len(sec) > 1 {
				l = sec[1] // the BEGIN line of a private key
			}
			g.planted = append(g.planted, f.path+"\t"+strings.TrimSpace(l))
			if g.r.Intn(3) == 0 {
				g.live = append(g.live, helmSecret{f, sec})
			}
		case g.r.Intn(80) == 0 && len(g.live) > 0:
			// Remove a planted secret again.
			i := g.r.Intn(len(g.live))
			s := g.live[i]
			g.live = append(g.live[:i], g.live[i+1:]...)
			for j := range s.f.lines {
				if s.f.lines[j] == s.lines[0] && j+len(s.lines) <= len(s.f.lines) {
					s.f.lines = append(s.f.lines[:j], s.f.lines[j+len(s.lines):]...)
					if !seen[s.f] {
						touched = append(touched, s.f)
					}
					break
				}
			}
		}
		g.tip = g.commit("refs/heads/main", g.tip, 0, fmt.Sprintf("%s: update (%d)\n", strings.Split(f.path, "/")[1], n), touched)
		if n%1000 == 0 {
			fmt.Fprintf(g.w, "tag v%d.0.0\nfrom :%d\ntagger Release Bot <release@example.com> %d +0000\n", n/1000, g.tip, g.when)
			g.data([]string{fmt.Sprintf("release %d.0.0\n", n/1000)})
		}
	}
}
