/**
 * Turns iopub messages into nbformat outputs, following nbclient's `process_message`, plus
 * merging consecutive stream outputs of the same name (as JupyterLab and newer nbclient do).
 */
import { isObject, JsonObject, Message } from "./wire";

export interface StreamOutput {
  output_type: "stream";
  name: string;
  text: string;
}

export interface DisplayDataOutput {
  output_type: "display_data";
  data: JsonObject;
  metadata: JsonObject;
}

export interface ExecuteResultOutput {
  output_type: "execute_result";
  data: JsonObject;
  metadata: JsonObject;
  execution_count: number | null;
}

export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

function asObject(value: unknown): JsonObject {
  return isObject(value) ? { ...value } : {};
}

function asString(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function displayIdOf(msg: Message): string | undefined {
  const transient = msg.content.transient;
  if (!isObject(transient)) return undefined;
  const id = transient.display_id;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/**
 * Notebook-wide output state: display ids can be updated from any later cell, so the map of
 * display id to outputs outlives a single cell.
 */
export class OutputCollector {
  private readonly displays = new Map<string, (DisplayDataOutput | ExecuteResultOutput)[]>();

  /** A handler that appends the messages of one execute request to `outputs` (mutated in place). */
  forCell(outputs: Output[]): (msg: Message) => void {
    let clearBeforeNext = false;
    const append = (out: Output) => {
      if (clearBeforeNext) {
        outputs.length = 0;
        clearBeforeNext = false;
      }
      const last = outputs[outputs.length - 1];
      if (out.output_type === "stream" && last !== undefined && last.output_type === "stream" && last.name === out.name) {
        last.text += out.text;
        return;
      }
      outputs.push(out);
    };
    return (msg: Message) => {
      const c = msg.content;
      const displayId = displayIdOf(msg);
      switch (msg.header.msg_type) {
        case "stream":
          append({ output_type: "stream", name: asString(c.name) || "stdout", text: asString(c.text) });
          return;
        case "display_data":
        case "execute_result": {
          const out: DisplayDataOutput | ExecuteResultOutput =
            msg.header.msg_type === "display_data"
              ? { output_type: "display_data", data: asObject(c.data), metadata: asObject(c.metadata) }
              : {
                  output_type: "execute_result",
                  data: asObject(c.data),
                  metadata: asObject(c.metadata),
                  // replaced by the runner's own count, as nbclient does
                  execution_count: typeof c.execution_count === "number" ? c.execution_count : null,
                };
          if (displayId !== undefined) {
            this.update(displayId, out.data, out.metadata);
            const list = this.displays.get(displayId) ?? [];
            list.push(out);
            this.displays.set(displayId, list);
          }
          append(out);
          return;
        }
        case "update_display_data":
          if (displayId !== undefined) this.update(displayId, asObject(c.data), asObject(c.metadata));
          return;
        case "error":
          append({
            output_type: "error",
            ename: asString(c.ename),
            evalue: asString(c.evalue),
            traceback: Array.isArray(c.traceback) ? c.traceback.map((l) => String(l)) : [],
          });
          return;
        case "clear_output":
          if (c.wait === true) clearBeforeNext = true;
          else outputs.length = 0;
          return;
        default:
          // execute_input, comm_* and anything unknown carry no output
          return;
      }
    };
  }

  private update(displayId: string, data: JsonObject, metadata: JsonObject): void {
    for (const out of this.displays.get(displayId) ?? []) {
      out.data = { ...data };
      out.metadata = { ...metadata };
    }
  }
}
