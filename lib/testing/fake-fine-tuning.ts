import crypto from "node:crypto";
import type http from "node:http";

type Job = { id: string; model: string; training_file: string; suffix: string | null; hyperparameters: Record<string, unknown>; polls: number; fails: boolean; cancelled: boolean; created_at: number };

/**
 * OpenAI's fine-tuning routes as a scripted provider speaks them, for the fake provider: upload a
 * training file (multipart, purpose "fine-tune"), create a job, retrieve it and cancel it. A job
 * moves validating_files → queued → running → succeeded one step per retrieval, and fails instead
 * when its training file contains "[fail]".
 */
export function fakeFineTuning() {
  const files = new Map<string, { bytes: number; text: string }>();
  const jobs = new Map<string, Job>();

  const view = (j: Job) => {
    const status = j.cancelled ? "cancelled" : j.polls < 1 ? "validating_files" : j.polls < 2 ? "queued" : j.polls < 3 ? "running" : j.fails ? "failed" : "succeeded";
    return {
      object: "fine_tuning.job", id: j.id, model: j.model, training_file: j.training_file, status, created_at: j.created_at,
      hyperparameters: { n_epochs: 3, ...j.hyperparameters },
      fine_tuned_model: status === "succeeded" ? `ft:${j.model}:keel-fake:${j.suffix ?? "custom"}:${j.id.slice(-6)}` : null,
      trained_tokens: status === "succeeded" ? 1234 : null,
      error: status === "failed" ? { code: "invalid_training_file", message: "The training file holds an example the fake refuses.", param: "training_file" } : null,
      finished_at: status === "succeeded" || status === "failed" ? Math.floor(Date.now() / 1000) : null,
    };
  };

  /** Answers the request when it is one of these routes; false when it is not. */
  const handle = async (req: http.IncomingMessage, path: string, raw: Buffer, send: (status: number, body: unknown) => void): Promise<boolean> => {
    if (path === "/v1/files" && req.method === "POST") {
      const form = await new Request("http://fake/v1/files", { method: "POST", headers: { "content-type": req.headers["content-type"] ?? "" }, body: new Uint8Array(raw) }).formData();
      const file = form.get("file");
      if (form.get("purpose") !== "fine-tune" || !(file instanceof Blob)) {
        send(400, { error: { message: "Expected a file with purpose fine-tune.", type: "invalid_request_error", param: "file", code: null } });
        return true;
      }
      const id = `file-${crypto.randomBytes(6).toString("hex")}`;
      files.set(id, { bytes: file.size, text: await file.text() });
      send(200, { object: "file", id, bytes: file.size, filename: (file as File).name ?? "training.jsonl", purpose: "fine-tune", created_at: Math.floor(Date.now() / 1000) });
      return true;
    }
    if (path === "/v1/fine_tuning/jobs" && req.method === "POST") {
      const body = JSON.parse(raw.toString("utf8") || "{}") as { model?: string; training_file?: string; suffix?: string; hyperparameters?: Record<string, unknown> };
      const file = body.training_file ? files.get(body.training_file) : undefined;
      if (!file || !body.model) {
        send(400, { error: { message: "Unknown training_file or no model.", type: "invalid_request_error", param: "training_file", code: null } });
        return true;
      }
      const job: Job = { id: `ftjob-${crypto.randomBytes(6).toString("hex")}`, model: body.model, training_file: body.training_file!, suffix: body.suffix ?? null, hyperparameters: body.hyperparameters ?? {}, polls: 0, fails: file.text.includes("[fail]"), cancelled: false, created_at: Math.floor(Date.now() / 1000) };
      jobs.set(job.id, job);
      send(200, view(job));
      return true;
    }
    const m = /^\/v1\/fine_tuning\/jobs\/([^/]+)(\/cancel)?$/.exec(path);
    if (m) {
      const job = jobs.get(m[1]);
      if (!job) {
        send(404, { error: { message: `No such job: ${m[1]}`, type: "invalid_request_error", param: null, code: null } });
        return true;
      }
      if (m[2] && req.method === "POST") job.cancelled = true;
      else job.polls++;
      send(200, view(job));
      return true;
    }
    return false;
  };
  return { handle, files, jobs };
}
