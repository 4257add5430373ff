#!/usr/bin/env python3
"""Fails when the objects of src/ depend on each other in a cycle.

Object A depends on object B when A uses a symbol that B defines, as `nm`
shows.  A cycle means no object of it can be understood, tested or replaced
without the others.  Usage: deps_acyclic.py build/obj/*.o (prints the graph
with --graph)."""
import subprocess
import sys


def symbols(path):
    out = subprocess.run(["nm", "--defined-only", path], capture_output=True, text=True, check=True).stdout
    defined = {l.split()[-1] for l in out.splitlines() if len(l.split()) == 3 and l.split()[1].isupper()}
    out = subprocess.run(["nm", "--undefined-only", path], capture_output=True, text=True, check=True).stdout
    used = {l.split()[-1] for l in out.splitlines() if l.strip()}
    return defined, used


def graph(paths):
    name = lambda p: p.rsplit("/", 1)[-1].removesuffix(".o")
    info = {name(p): symbols(p) for p in paths}
    owner = {s: n for n, (d, _) in info.items() for s in d}
    return {n: sorted({owner[s] for s in u if s in owner and owner[s] != n}) for n, (_, u) in info.items()}


def cycles(g):
    """Strongly connected components with more than one object (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def path_in(g, comp):
    """One concrete cycle inside a component, for the message."""
    members = set(comp)
    start = comp[0]
    prev, todo = {start: None}, [start]
    while todo:
        v = todo.pop(0)
        for w in g[v]:
            if w == start:
                p = [v]
                while prev[p[-1]] is not None:
                    p.append(prev[p[-1]])
                return list(reversed(p)) + [start]
            if w in members and w not in prev:
                prev[w] = v
                todo.append(w)
    return comp


def main():
    args = [a for a in sys.argv[1:] if a != "--graph"]
    if not args:
        sys.exit("usage: deps_acyclic.py [--graph] OBJ...")
    g = graph(args)
    if "--graph" in sys.argv:
        for n in sorted(g):
            print(f"{n}: {' '.join(g[n])}")
    bad = cycles(g)
    for comp in bad:
        print(f"dependency cycle among {len(comp)} objects: {' '.join(comp)}", file=sys.stderr)
        print(f"  for example: {' -> '.join(path_in(g, comp))}", file=sys.stderr)
    if bad:
        sys.exit(1)
    print(f"deps: {len(g)} objects, no dependency cycle")


main()
