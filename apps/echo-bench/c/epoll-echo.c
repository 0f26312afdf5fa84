/*
 * The limit in pnpm bench: a level-triggered epoll echo server in plain C, one thread.
 * Each connection reads into its own buffer and writes it back; what write() cannot send yet
 * stays in the buffer, reading stops and EPOLLOUT is awaited, so every echo is byte-exact.
 * Listens on 127.0.0.1, port 0, and prints "main: starting up on 127.0.0.1 port N" on stderr.
 * Optional: --sndbuf BYTES shrinks each connection's send buffer (tests use it to force
 * partial writes).
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFFER_SIZE (256 * 1024)

struct conn {
  int fd;
  int waiting;       /* 1 while an echo waits for EPOLLOUT (and reading is paused) */
  size_t start, end; /* buf[start..end) is still to be written */
  char buf[BUFFER_SIZE];
};

static int epfd;

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void watch(struct conn *c, int op, unsigned events) {
  struct epoll_event ev = {.events = events, .data.ptr = c};
  if (epoll_ctl(epfd, op, c->fd, &ev) < 0) die("epoll_ctl");
}

/* Echoes what a ready connection has; returns -1 when it is done (peer closed, or an error). */
static int on_ready(struct conn *c) {
  if (!c->waiting) {
    ssize_t n = read(c->fd, c->buf, BUFFER_SIZE);
    if (n == 0) return -1; /* end of stream: everything read so far was echoed */
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    c->start = 0;
    c->end = (size_t)n;
  }
  while (c->start < c->end) {
    ssize_t n = write(c->fd, c->buf + c->start, c->end - c->start);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!c->waiting) watch(c, EPOLL_CTL_MOD, EPOLLOUT); /* stop reading until it is sent */
      c->waiting = 1;
      return 0;
    }
    if (n < 0) return -1;
    c->start += (size_t)n;
  }
  if (c->waiting) watch(c, EPOLL_CTL_MOD, EPOLLIN);
  c->waiting = 0;
  return 0;
}

int main(int argc, char **argv) {
  int sndbuf = argc == 3 && strcmp(argv[1], "--sndbuf") == 0 ? atoi(argv[2]) : 0;
  signal(SIGPIPE, SIG_IGN);
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof addr;
  if (bind(lfd, (struct sockaddr *)&addr, len) < 0 || listen(lfd, 511) < 0) die("listen");
  getsockname(lfd, (struct sockaddr *)&addr, &len);
  fprintf(stderr, "main: starting up on 127.0.0.1 port %d\n", ntohs(addr.sin_port));
  if ((epfd = epoll_create1(0)) < 0) die("epoll_create1");
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}, events[64];
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev) < 0) die("epoll_ctl");
  for (;;) {
    int ready = epoll_wait(epfd, events, 64, -1);
    if (ready < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < ready; i++) {
      if (events[i].data.ptr != NULL) {
        struct conn *c = events[i].data.ptr;
        if (on_ready(c) < 0) { /* errors and hang-ups need no case: read() or write() reports them */
          close(c->fd); /* which also takes it out of the epoll set */
          free(c);
        }
        continue;
      }
      int fd;
      while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
        struct conn *c = malloc(sizeof *c);
        if (c == NULL) die("malloc");
        c->fd = fd;
        c->waiting = 0;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (sndbuf > 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
        watch(c, EPOLL_CTL_ADD, EPOLLIN);
      }
    }
  }
}
