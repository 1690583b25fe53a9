"""A local SMTP sink for bench/mail.sh: accepts every message, keeps none,
and counts them. Needs aiosmtpd (mail.sh installs it in a venv).

    python mail_sink.py --port 2525 [--count-file PATH]

Prints "listening" once it accepts connections and, when stopped (SIGTERM or
SIGINT), the number of messages it received; with --count-file it also
writes that number there.
"""
import argparse
import asyncio
import signal

from aiosmtpd.smtp import SMTP


class Counter:
    def __init__(self):
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        return "250 OK"


async def main(args):
    handler = Counter()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        # A fixed hostname: aiosmtpd would otherwise look up the FQDN.
        lambda: SMTP(handler, hostname="sink.localhost", ident="bench sink"),
        host=args.host, port=args.port)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"listening on {args.host}:{args.port}", flush=True)
    await stop.wait()
    server.close()
    print(f"received {handler.messages} messages", flush=True)
    if args.count_file:
        with open(args.count_file, "w") as f:
            f.write(f"{handler.messages}\n")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--count-file")
    asyncio.run(main(p.parse_args()))
