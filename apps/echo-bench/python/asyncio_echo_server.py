"""The seed's asyncio Protocol echo server, for the benchmark (optionally under uvloop).

Prints "main: starting up on 127.0.0.1 port N" on stderr once listening, like the wirekit server.
  --unix PATH                       listen on that Unix socket instead (create_unix_server), print the path
  --tls-cert FILE --tls-key FILE    TLS (create_server(ssl=...)), with the default server context
  --udp                             a datagram echo instead (create_datagram_endpoint)
  --uvloop                          run under uvloop
"""
import asyncio
import ssl
import sys


class EchoServer(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)

    def eof_received(self):
        # A TLS transport cannot half-close: returning False closes it, as asyncio does by default.
        if not self.transport.can_write_eof():
            return False
        self.transport.write_eof()
        return True


class DatagramEchoServer(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.transport.sendto(data, addr)


def option(name):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None


def announce(where):
    print(f'main: starting up on {where}', file=sys.stderr, flush=True)


async def main():
    loop = asyncio.get_running_loop()
    if '--udp' in sys.argv:
        transport, _ = await loop.create_datagram_endpoint(
            DatagramEchoServer, local_addr=('127.0.0.1', 0))
        announce(f'127.0.0.1 port {transport.get_extra_info("sockname")[1]}')
        await loop.create_future()
    path = option('--unix')
    if path is not None:
        server = await loop.create_unix_server(EchoServer, path)
        announce(path)
        await server.serve_forever()
    context = None
    if option('--tls-cert') is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(option('--tls-cert'), option('--tls-key'))
    server = await loop.create_server(EchoServer, '127.0.0.1', 0, ssl=context)
    announce(f'127.0.0.1 port {server.sockets[0].getsockname()[1]}')
    await server.serve_forever()


if __name__ == '__main__':
    if '--uvloop' in sys.argv:
        import uvloop
        uvloop.install()
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
