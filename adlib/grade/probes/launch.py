"""Entry point of the student's process: ``python -I -S launch.py CONFIG_JSON``."""
import json
import os
import sys

if __name__ == "__main__":
    config = json.loads(sys.argv[1])
    sys.path[:0] = [config["site"]]
    del sys.argv[1:]
    from adlib_probes import serve
    serve.main(config)
    os._exit(0)
