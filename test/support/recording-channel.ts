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

/** A front-end trait change, as JupyterLab's widget manager sends it (no binary buffers). */
export function frontEndUpdate(manager: CommManager, widgetId: string, state: Record<string, unknown>): Promise<void> {
  return manager.handle("comm_msg", { comm_id: widgetId, data: { method: "update", state, buffer_paths: [] } }, []);
}

export function recordingFrontEnd(): { sent: Sent[]; manager: CommManager } {
  const sent: Sent[] = [];
  const channel: OutputChannel = { publish: (msgType, content, options = {}) => void sent.push({ msgType, content, options }) };
  setOutputChannel(channel);
  const manager = new CommManager();
  setCommManager(manager);
  return { sent, manager };
}
