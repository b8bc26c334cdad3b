// Package eval holds keyhound's detection evaluation: a generated corpus of
// fake but well-formed credentials, written from each provider's documented
// format and placed in the files they leak from (.env, YAML, JSON, source
// code, shell, Dockerfile, Terraform, XML), with the near misses and hard
// negatives a scanner must stay silent on. `go test ./eval` prints recall and
// false-positive rate per family and fails below recall 0.97 or above a
// false-positive rate of 0.02.
package eval
