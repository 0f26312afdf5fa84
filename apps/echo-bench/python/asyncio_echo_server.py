"""The seed's asyncio Protocol echo server, for the benchmark (optionally under uvloop).

Prints "main: starting up on 127.0.0.1 port N" on stderr once listening, like the wirekit server;
with --unix PATH, listens on that Unix socket instead (asyncio's create_unix_server) and prints the path.
"""
import asyncio
import sys


class EchoServer(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)

    def eof_received(self):
        self.transport.write_eof()
        return True


async def main():
    if '--unix' in sys.argv:
        path = sys.argv[sys.argv.index('--unix') + 1]
        server = await asyncio.get_running_loop().create_unix_server(EchoServer, path)
        print(f'main: starting up on {path}', file=sys.stderr, flush=True)
        await server.serve_forever()
    server = await asyncio.get_running_loop().create_server(EchoServer, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    print(f'main: starting up on 127.0.0.1 port {port}', file=sys.stderr, flush=True)
    await server.serve_forever()


if __name__ == '__main__':
    if '--uvloop' in sys.argv:
        import uvloop
        uvloop.install()
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
