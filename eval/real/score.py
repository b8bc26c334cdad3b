#!/usr/bin/env python3
"""Score keyhound (and gitleaks) reports of the real-code evaluation against labels.tsv.

A finding is keyed by (repository, file, sha256 of the secret): the label says what the
secret at that place is, whichever rule reported it and in whichever mode (dir or git).
Labels: real (a credential, or what looks like a live one), fixture (a fake in a real
provider format: test keys, documented example keys), fp (not a credential at all).
Precision is (real + fixture) / labelled findings. No secret is ever printed or stored.
"""
import argparse, csv, hashlib, json, os, sys

def h(secret):
    return hashlib.sha256(secret.encode()).hexdigest()[:16]

def load_labels(path):
    labels = {}
    if not os.path.exists(path):
        return labels
    with open(path) as f:
        for row in csv.reader(f, delimiter='\t'):
            if not row or row[0].startswith('#') or row[0] == 'repo':
                continue
            repo, rule, file, line, sh, label = row[:6]
            labels[(repo, file, sh)] = label
    return labels

def kh_findings(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        d = json.load(f)
    return [(x['rule_id'], x['file'], x['line'], x['secret']) for x in d.get('findings') or []]

def gl_findings(path, root):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        d = json.load(f) or []
    out = []
    for x in d:
        fn = x['File']
        if fn.startswith(root + '/'):
            fn = fn[len(root) + 1:]
        out.append((x['RuleID'], fn, x['StartLine'], x['Secret']))
    return out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--repos', required=True)
    ap.add_argument('--labels', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--real', default=os.environ.get('REAL', '/tmp/real'))
    ap.add_argument('--emit', help='append unlabelled findings to this file, labels.tsv format, label empty')
    a = ap.parse_args()
    labels = load_labels(a.labels)
    repos = []
    with open(a.repos) as f:
        for row in csv.reader(f, delimiter='\t'):
            if row and not row[0].startswith('#'):
                repos.append(row[0])
    emit = open(a.emit, 'a') if a.emit else None
    seen_emit = set()
    tot = {'n': 0, 'real': 0, 'fixture': 0, 'fp': 0, '?': 0}
    code_fp = 0
    print('%-28s %-4s %5s %5s %7s %4s %4s %9s' % ('repository', 'mode', 'finds', 'real', 'fixture', 'fp', '?', 'precision'))
    missed = []
    for repo in repos:
        for mode in ('dir', 'git'):
            fs = kh_findings(os.path.join(a.out, '%s.%s.json' % (repo, mode)))
            if fs is None:
                continue
            c = {'n': 0, 'real': 0, 'fixture': 0, 'fp': 0, '?': 0}
            khkeys, khlines = set(), set()
            for rule, file, line, secret in fs:
                k = (repo, file, h(secret))
                khkeys.add(k)
                khkeys.add((repo, h(secret)))  # git mode reports a secret once, at one of its paths
                khlines.add((file, line))
                lab = labels.get(k, '?')
                c['n'] += 1
                c[lab if lab in c else '?'] += 1
                if lab == '?' and emit and k not in seen_emit:
                    seen_emit.add(k)
                    emit.write('\t'.join([repo, rule, file, str(line), k[2], '', '']) + '\n')
            for key in c:
                tot[key] += c[key]
            lab = c['real'] + c['fixture'] + c['fp']
            prec = '%.1f%%' % (100.0 * (c['real'] + c['fixture']) / lab) if lab else '-'
            print('%-28s %-4s %5d %5d %7d %4d %4d %9s' % (repo, mode, c['n'], c['real'], c['fixture'], c['fp'], c['?'], prec))
            gl = gl_findings(os.path.join(a.out, '%s.gitleaks-%s.json' % (repo, mode)), os.path.join(a.real, repo))
            if gl is None:
                continue
            for rule, file, line, secret in gl:
                k = (repo, file, h(secret))
                if k in khkeys or (mode == 'git' and (repo, k[2]) in khkeys) or (mode == 'dir' and (file, line) in khlines):
                    continue
                lab = labels.get(k, '?')
                if lab == '?' and emit and k not in seen_emit:
                    seen_emit.add(k)
                    emit.write('\t'.join([repo, 'gitleaks:' + rule, file, str(line), k[2], '', '']) + '\n')
                if lab in ('real', 'fixture', '?'):
                    missed.append((repo, mode, rule, file, line, lab))
    lab = tot['real'] + tot['fixture'] + tot['fp']
    print('%-28s %-4s %5d %5d %7d %4d %4d %9s' % ('TOTAL', '', tot['n'], tot['real'], tot['fixture'], tot['fp'], tot['?'],
          '%.1f%%' % (100.0 * (tot['real'] + tot['fixture']) / lab) if lab else '-'))
    if missed:
        print('\nfound by gitleaks, not by keyhound (label real/fixture or unlabelled):')
        for m in missed:
            print('  %s %s %s %s:%s %s' % m)
    return 0

if __name__ == '__main__':
    sys.exit(main())
