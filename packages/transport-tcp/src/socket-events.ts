import type { Socket } from 'node:net'

/** What a transport does with its socket's events. */
export interface SocketEventHandler {
  handleData(chunk: Buffer): void
  handleEnd(): void
  handleError(error: Error): void
  handleClose(): void
  handleIdle(): void
  handleFlushed(): void
}

/**
 * The socket's events reach their transport through listeners shared by every socket (`this` is
 * the socket): a connection costs no closure per event, which matters with 10,000 of them.
 */
const handlerKey = Symbol('wirekit.socketEventHandler')

type RoutedSocket = Socket & { [handlerKey]: SocketEventHandler }

function handlerOf(socket: Socket): SocketEventHandler {
  return (socket as RoutedSocket)[handlerKey]
}

function onData(this: Socket, chunk: Buffer): void {
  handlerOf(this).handleData(chunk)
}

function onEnd(this: Socket): void {
  handlerOf(this).handleEnd()
}

function onError(this: Socket, error: Error): void {
  handlerOf(this).handleError(error)
}

function onClose(this: Socket): void {
  handlerOf(this).handleClose()
}

function onTimeout(this: Socket): void {
  handlerOf(this).handleIdle()
}

function onFinish(this: Socket): void {
  handlerOf(this).handleFlushed()
}

/** Sends the socket's events to `handler`; `idleTimeout` (ms, 0 for none) arms `handleIdle`. */
export function routeSocketEvents(
  socket: Socket,
  handler: SocketEventHandler,
  idleTimeout: number,
): void {
  ;(socket as RoutedSocket)[handlerKey] = handler
  socket.on('data', onData)
  socket.on('end', onEnd)
  socket.on('error', onError)
  socket.on('close', onClose)
  if (idleTimeout > 0) {
    socket.setTimeout(idleTimeout)
    socket.on('timeout', onTimeout)
  }
}

/** Ends the socket's write side and calls `handleFlushed` once everything written has left. */
export function endAndNotifyWhenFlushed(socket: Socket): void {
  socket.once('finish', onFinish)
  socket.end()
}

function ignoreError(): void {
  // The socket is handed over: its errors reach its new owner.
}

/**
 * Takes the handler's listeners off the socket (to hand it over, as for STARTTLS), leaving one
 * that ignores errors so that none is ever unhandled.
 */
export function unrouteSocketEvents(socket: Socket): void {
  socket.off('data', onData)
  socket.off('end', onEnd)
  socket.off('error', onError)
  socket.off('close', onClose)
  socket.off('timeout', onTimeout)
  socket.off('finish', onFinish)
  socket.setTimeout(0)
  socket.on('error', ignoreError)
}
