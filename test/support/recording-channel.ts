/**
 * For kernel-side widget tests: a fresh comm manager and an output channel that records
 * every message the kernel would publish, installed as the kernel's current ones.
 */
import { setOutputChannel, type OutputChannel, type PublishOptions } from "../../kernel-ext/channel";
import { CommManager, setCommManager } from "../../kernel-ext/comm";

export interface Sent {
  msgType: string;
  content: Record<string, unknown>;
  options: PublishOptions;
}

export function recordingFrontEnd(): { sent: Sent[]; manager: CommManager } {
  const sent: Sent[] = [];
  const channel: OutputChannel = { publish: (msgType, content, options = {}) => void sent.push({ msgType, content, options }) };
  setOutputChannel(channel);
  const manager = new CommManager();
  setCommManager(manager);
  return { sent, manager };
}
