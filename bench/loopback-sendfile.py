#!/usr/bin/env python3
"""How fast one big file goes over 127.0.0.1 to curl when the server uses sendfile(2) the way
Tomcat's NIO connector does (non-blocking socket, sendfile until EAGAIN, wait for writability)
versus plain 32 KiB write(2) calls the way Go's io.Copy (and so CNCF Distribution) does.

It isolates the kernel path from both registries: on the benchmark machine the write loop was
clearly faster over loopback, which matches the blob GET gap in docs/benchmarks.md.

    bench/loopback-sendfile.py FILE [RUNS]
"""
import os
import select
import socket
import subprocess
import sys
import threading


def serve(path, mode, ready):
    size = os.path.getsize(path)
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    ready.append(srv.getsockname()[1])

    def handle(conn):
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % size)
        fd = os.open(path, os.O_RDONLY)
        try:
            if mode == "sendfile":
                conn.setblocking(False)
                off = 0
                while off < size:
                    try:
                        off += os.sendfile(conn.fileno(), fd, off, size - off)
                    except BlockingIOError:
                        select.select([], [conn], [])
            else:
                while True:
                    chunk = os.read(fd, 32768)
                    if not chunk:
                        break
                    conn.sendall(chunk)
        finally:
            os.close(fd)
            conn.close()

    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def main():
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    ports = {}
    for mode in ("sendfile", "write-32k"):
        ready = []
        threading.Thread(target=serve, args=(path, mode, ready), daemon=True).start()
        while not ready:
            pass
        ports[mode] = ready[0]
    results = {mode: [] for mode in ports}
    for _ in range(runs + 1):  # the first round warms the page cache and is dropped
        for mode, port in ports.items():
            out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{speed_download}",
                                  f"http://127.0.0.1:{port}/blob"], capture_output=True, text=True, check=True)
            results[mode].append(float(out.stdout) / 1e6)
    for mode, speeds in results.items():
        speeds = sorted(speeds[1:])
        print(f"{mode:10s} median {speeds[len(speeds) // 2]:7.0f} MB/s  (runs: "
              + ", ".join(f"{s:.0f}" for s in speeds) + ")")


if __name__ == "__main__":
    main()
