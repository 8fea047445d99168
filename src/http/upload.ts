import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { NextFunction, Request, Response } from 'express';
import { maxStatementBytes } from '../limits.ts';
import { uploadDirectory } from '../upload-directory.ts';
import { deferProblem } from './deferred-problem.ts';
import { Problem, problems } from './problems.ts';

/** A received file: where it waits on disk, and its SHA-256 (what an idempotent replay must match). */
export type Upload = { path: string; fileName: string | null; size: number; sha256: string };

const uploads = new WeakMap<Request, Upload>();

/** The file a multipart request carried, once received. */
export function uploadOf(request: Request): Upload | undefined {
  return uploads.get(request);
}

const tooLarge = () => problems.payloadTooLarge('The statement file', maxStatementBytes);
const malformed = () => problems.validation([{ pointer: '#', in: 'body', message: 'is not a valid multipart/form-data body' }]);
const fieldBytes = 64 * 1024;

/** Form fields arrive as text: JSON objects and booleans are decoded so the contract can check them. */
function fieldValue(value: string): unknown {
  const trimmed = value.trim();
  if (trimmed === 'true' || trimmed === 'false' || trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}

/** The one `file` part, streamed to disk while its size and SHA-256 are counted. */
function receiveFile(request: Request, response: Response, stream: NodeJS.ReadableStream, fileName: string | null, onLimit: () => void): Promise<void> {
  const upload: Upload = { path: `${uploadDirectory()}/${randomUUID()}`, fileName, size: 0, sha256: '' };
  uploads.set(request, upload);
  response.on('close', () => void rm(upload.path, { force: true }));
  const digest = createHash('sha256');
  stream.on('data', (chunk: Buffer) => {
    upload.size += chunk.length;
    digest.update(chunk);
  });
  stream.on('end', () => {
    upload.sha256 = digest.digest('hex');
  });
  stream.on('limit', onLimit);
  return pipeline(stream, createWriteStream(upload.path));
}

/** A busboy parser for the request, or the problem that stops it before any byte is read. */
function parserFor(request: Request): busboy.Busboy | Problem | undefined {
  // Nothing is written to disk for a request that carries no credentials at all.
  if (!request.headers.authorization) return undefined;
  if (Number(request.headers['content-length'] ?? 0) > maxStatementBytes + fieldBytes) return tooLarge();
  try {
    return busboy({ headers: request.headers, limits: { fileSize: maxStatementBytes, files: 2, fields: 10, fieldSize: fieldBytes, parts: 12 } });
  } catch {
    return malformed();
  }
}

/**
 * Receives a multipart/form-data request: the one `file` part streams to a temporary file (so a
 * 20 MiB statement never sits in memory, and is deleted when the response ends); the other parts
 * become the body the contract validates. A second file part, an unknown one, an oversized field
 * or file, or a broken body answers 400/413 (deferred until the caller is known).
 */
export function receiveUpload(request: Request, response: Response, next: NextFunction): void {
  const parser = parserFor(request);
  if (!parser || parser instanceof Problem) {
    if (parser) deferProblem(request, parser);
    request.resume();
    next();
    return;
  }
  const fields: Record<string, unknown> = {};
  let failure: Problem | undefined;
  let finished = false;
  const finish = (error?: unknown) => {
    if (finished) return;
    finished = true;
    if (error instanceof Problem) deferProblem(request, error);
    next(error instanceof Problem ? undefined : error);
  };
  let written: Promise<void> = Promise.resolve();
  parser.on('file', (name, stream, info) => {
    if (name !== 'file' || uploads.has(request)) {
      failure ??= problems.validation([{ pointer: `#/${name}`, in: 'body', message: 'is not an expected file; send one part named file' }]);
      stream.resume();
      return;
    }
    written = receiveFile(request, response, stream, info.filename || null, () => (failure ??= tooLarge()));
  });
  parser.on('field', (name, value, info) => {
    if (info.valueTruncated) failure ??= problems.validation([{ pointer: `#/${name}`, in: 'body', message: 'is longer than 64 KiB' }]);
    fields[name] = fieldValue(value);
  });
  parser.on('partsLimit', () => (failure ??= problems.validation([{ pointer: '#', in: 'body', message: 'has too many parts' }])));
  parser.on('filesLimit', () => (failure ??= problems.validation([{ pointer: '#/file', in: 'body', message: 'is sent more than once; send one part named file' }])));
  parser.on('error', () => {
    request.unpipe(parser);
    request.resume();
    finish((failure ??= malformed()));
  });
  parser.on('close', () => {
    written.then(() => {
      const upload = uploads.get(request);
      // The contract sees the file as its name (format: binary); the bytes wait on disk.
      if (!failure) request.body = upload ? { ...fields, file: upload.fileName ?? 'statement' } : fields;
      finish(failure);
    }, finish);
  });
  request.pipe(parser);
}
