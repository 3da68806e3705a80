"""Probe a running container from the host, for images that have no shell, curl or interpreter to exec.

Run as root: `python3 nsprobe.py PID UID GID PATH...`. It enters the container's mount namespace (so it sees
the container's filesystem and mounts exactly), becomes UID:GID without capabilities, tries to create a file
in each PATH and prints JSON {path: "ok" | errno name}. Everything is imported before entering the namespace,
because afterwards the host's files are out of sight.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import sys

CLONE_NEWNS = 0x00020000


def main(argv: list[str]) -> int:
    pid, uid, gid, paths = int(argv[1]), int(argv[2]), int(argv[3]), argv[4:]
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/proc/{pid}/ns/mnt", os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "setns")
    os.chdir("/")
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)  # from root to a non-zero UID: every capability is dropped
    results = {}
    for path in paths:
        target = os.path.join(path, ".dockseal-write-probe")
        try:
            with open(target, "w") as fh:
                fh.write("x")
            os.unlink(target)
            results[path] = "ok"
        except OSError as err:
            results[path] = errno.errorcode.get(err.errno, str(err.errno))
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
