// The original design's signaling server (Socket.io 4), rebuilt from its description so that bench/seed.sh can
// measure Walkie against it. It relays blindly, as the original did: no validation beyond the room size.
//   node bench/seed/server.mjs --port 3000
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const i = process.argv.indexOf('--port');
const port = i > 0 ? Number(process.argv[i + 1]) : 3000;

// Socket.io answers its own path; everything else (the harness's readiness check) gets this.
const http = createServer((_req, res) => res.end('ok'));
const io = new Server(http);

io.on('connection', (socket) => {
  socket.on('join-room', (roomId) => {
    const members = io.sockets.adapter.rooms.get(roomId);
    // A room holds two. The description names no answer for a third joiner, so none is sent.
    if ((members?.size ?? 0) >= 2) return;
    const other = members ? [...members][0] : undefined;
    socket.join(roomId);
    socket.data.room = roomId;
    if (other) {
      socket.emit('other-user', other);
      socket.to(other).emit('other-user', socket.id);
    }
  });

  for (const event of ['offer', 'answer', 'ice-candidate', 'start-talking', 'stop-talking']) {
    socket.on(event, (payload) => socket.to(payload?.target).emit(event, payload));
  }

  // The socket has left its rooms by now, so this reaches the other member only.
  socket.on('disconnect', () => {
    if (socket.data.room) socket.to(socket.data.room).emit('user-disconnected', socket.id);
  });
});

http.listen(port, '127.0.0.1', () => console.log(`seed server on http://127.0.0.1:${port}`));
