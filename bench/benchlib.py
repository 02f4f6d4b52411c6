"""Shared by the benchmark scripts' Python parts (bench/common.sh puts this folder on
PYTHONPATH): the launcher's status over its control socket, and a process's memory."""
import json
import socket


def launcher_status(instance_dir, timeout=10):
    """The status the launcher of `instance_dir` answers on its control socket."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(timeout)
        s.connect(f"{instance_dir}/workspace/launcher.sock")
        s.sendall(b'{"command":"status"}\n')
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return json.loads(data)["status"]


def rss_kb(pid):
    """VmRSS of a process in kB, or None once it is gone."""
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None
