import type { IncomingMessage } from "node:http";
import { hashInput } from "../exchange";
import { readJsonBody } from "../http-body";
import { chatBodySchema, embeddingsBodySchema, parseBody, type ChatBody, type EmbeddingsBody } from "../schemas";

/** A request body the gateway accepted, with what the record says about it. */
export type Parsed<B> = { body: B; inputHash: string; stream: boolean };

/**
 * The parse step: reads the body (up to `maxBodyBytes`, nested no deeper than the gateway allows)
 * and checks it against OpenAI's request shape, naming the field that is wrong. It runs after the
 * caller's key is checked, so no unauthenticated body is read, parsed or hashed.
 */
export async function parseChat(req: IncomingMessage, maxBodyBytes: number): Promise<Parsed<ChatBody>> {
  const body = parseBody(chatBodySchema, await readJsonBody(req, maxBodyBytes));
  return { body, inputHash: hashInput(body), stream: body.stream === true };
}

export async function parseEmbeddings(req: IncomingMessage, maxBodyBytes: number): Promise<Parsed<EmbeddingsBody>> {
  const body = parseBody(embeddingsBodySchema, await readJsonBody(req, maxBodyBytes));
  return { body, inputHash: hashInput(body), stream: false };
}
