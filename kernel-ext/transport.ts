/**
 * The kernel's ZeroMQ transport. tslab's server reads the connection file and binds the five
 * sockets (heartbeat included); this subclass takes over what arrives on shell and control,
 * decoding and verifying each message with our wire format, and sends signed messages one at a
 * time per socket. It knows nothing of what the messages mean.
 */
import { randomUUID } from "crypto";
import * as zmq from "zeromq";
import { JupyterHandlerImpl, ZmqServer } from "tslab/dist/jupyter";
import { BinaryLike, Header } from "./channel";
import { kernelLog } from "./log";
import { WireMessage, decodeMessage, encodeMessage, newHeader } from "./wire";

type Socket = zmq.Router | zmq.Publisher;

/** A verified request and the socket it came on (where its reply goes). */
export type RequestListener = (socket: zmq.Router, msg: WireMessage) => void | Promise<void>;

/** One send at a time per socket (zeromq.js refuses overlapping sends), in order. */
class SendQueue {
  private readonly queue: Buffer[][] = [];
  private flushing = false;
  constructor(private readonly socket: Socket) {}

  send(frames: Buffer[]): void {
    this.queue.push(frames);
    if (!this.flushing) void this.flush();
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const frames = this.queue.shift()!;
        try {
          await this.socket.send(frames);
        } catch (e) {
          kernelLog(`send failed: ${(e as Error).message}`);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}

export class KernelTransport extends ZmqServer {
  private readonly session = randomUUID();
  private readonly queues = new Map<Socket, SendQueue>();
  private listener: RequestListener = () => undefined;

  /** `handler` is closed with the sockets (tslab's `close` does both). */
  constructor(handler: JupyterHandlerImpl, connectionFile: string) {
    super(handler, connectionFile);
    this.unlimitedIopubQueue();
  }

  /** Every readable request on shell or control goes to `listener`. */
  onRequest(listener: RequestListener): void {
    this.listener = listener;
  }

  /**
   * ZeroMQ's default high-water mark (1,000 messages) makes a PUB socket silently drop output
   * when a cell emits a burst faster than the client reads, idle status included, which leaves
   * the front end waiting forever. tslab creates and binds the sockets inside `init`, so the
   * option is set in its bind step (options apply to connections made after they are set).
   */
  private unlimitedIopubQueue(): void {
    const self = this as unknown as { bindSocket(sock: zmq.Socket, port: number): Promise<void> };
    const bind = self.bindSocket.bind(this);
    self.bindSocket = (sock, port) => {
      if (sock === this.iopub) this.iopub.sendHighWaterMark = 0;
      return bind(sock, port);
    };
  }

  /** tslab's receive loops call this for shell and control; unreadable messages are logged and dropped. */
  override async handleShellMessage(socket: zmq.Router, ...frames: Buffer[]): Promise<void> {
    let msg: WireMessage;
    try {
      msg = decodeMessage(frames, this.connInfo.key);
    } catch (e) {
      kernelLog(`dropped an unreadable message: ${(e as Error).message}`);
      return;
    }
    return this.listener(socket, msg);
  }

  sendIopub(msgType: string, content: Record<string, unknown>, parent?: Header, buffers?: BinaryLike[], metadata?: Record<string, unknown>): void {
    const frames = encodeMessage(
      { identities: [Buffer.from(`kernel.${msgType}`)], header: newHeader(msgType, this.session), parent_header: parent ?? {}, metadata, content, buffers },
      this.connInfo.key,
    );
    this.queueFor(this.iopub).send(frames);
  }

  reply(socket: zmq.Router, request: WireMessage, msgType: string, content: Record<string, unknown>): void {
    const frames = encodeMessage(
      { identities: request.identities, header: newHeader(msgType, this.session), parent_header: request.header, content },
      this.connInfo.key,
    );
    this.queueFor(socket).send(frames);
  }

  private queueFor(socket: Socket): SendQueue {
    let queue = this.queues.get(socket);
    if (!queue) this.queues.set(socket, (queue = new SendQueue(socket)));
    return queue;
  }
}
