import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { NextFunction, Request, Response } from 'express';
import { uploadDirectory } from '../upload-directory.ts';
import { Problem, problems } from './problems.ts';

/** A received file: where it waits on disk, and its SHA-256 (what an idempotent replay must match). */
export type Upload = { path: string; fileName: string | null; size: number; sha256: string };

export const maxStatementBytes = 20 * 1024 * 1024;

const uploads = new WeakMap<Request, Upload>();
const deferredProblems = new WeakMap<Request, Problem>();

/**
 * A problem with the request body, held back until the caller is authenticated: an
 * unauthenticated request answers 401 whatever its body, and bodies are not reported on to
 * strangers.
 */
export function deferProblem(request: Request, problem: Problem): void {
  if (!deferredProblems.has(request)) deferredProblems.set(request, problem);
}

export function deferredProblem(request: Request): Problem | undefined {
  return deferredProblems.get(request);
}

/** The file a multipart request carried, once received. */
export function uploadOf(request: Request): Upload | undefined {
  return uploads.get(request);
}

function tooLarge(): Problem {
  return new Problem({
    status: 413,
    type: 'payload-too-large',
    title: 'Payload too large',
    detail: 'The statement file exceeds 20 MiB.',
  });
}

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

/**
 * Receives a multipart/form-data request: the one `file` part streams to a temporary file (so a
 * 20 MiB statement never sits in memory, and is deleted when the response ends); the other parts
 * become the body the contract validates.
 */
export function receiveUpload(request: Request, response: Response, next: NextFunction): void {
  const skip = (problem?: Problem) => {
    if (problem) deferProblem(request, problem);
    request.resume();
    next();
  };
  // Nothing is written to disk for a request that carries no credentials at all.
  if (!request.headers.authorization) {
    skip();
    return;
  }
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxStatementBytes + 64 * 1024) {
    skip(tooLarge());
    return;
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      limits: { fileSize: maxStatementBytes, files: 1, fields: 10, fieldSize: 64 * 1024, parts: 12 },
    });
  } catch {
    skip(problems.validation([{ pointer: '#', in: 'body', message: 'is not a valid multipart/form-data body' }]));
    return;
  }
  const fields: Record<string, unknown> = {};
  let failure: Problem | undefined;
  let finished = false;
  const finish = (error?: unknown) => {
    if (finished) return;
    finished = true;
    if (error instanceof Problem) {
      deferProblem(request, error);
      next();
      return;
    }
    next(error);
  };
  let written: Promise<void> = Promise.resolve();

  parser.on('file', (name, stream, info) => {
    if (name !== 'file' || uploads.has(request)) {
      failure ??= problems.validation([{ pointer: `#/${name}`, in: 'body', message: 'is not an expected file; send one part named file' }]);
      stream.resume();
      return;
    }
    const upload: Upload = { path: `${uploadDirectory()}/${randomUUID()}`, fileName: info.filename || null, size: 0, sha256: '' };
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
    stream.on('limit', () => {
      failure ??= tooLarge();
    });
    written = pipeline(stream, createWriteStream(upload.path));
  });
  parser.on('field', (name, value, info) => {
    if (info.valueTruncated) failure ??= problems.validation([{ pointer: `#/${name}`, in: 'body', message: 'is longer than 64 KiB' }]);
    fields[name] = fieldValue(value);
  });
  parser.on('partsLimit', () => {
    failure ??= problems.validation([{ pointer: '#', in: 'body', message: 'has too many parts' }]);
  });
  parser.on('error', () => {
    failure ??= problems.validation([{ pointer: '#', in: 'body', message: 'is not a valid multipart/form-data body' }]);
    request.unpipe(parser);
    request.resume();
    finish(failure);
  });
  parser.on('close', () => {
    written.then(
      () => {
        if (failure) {
          finish(failure);
          return;
        }
        const upload = uploads.get(request);
        // The contract sees the file as its name (format: binary); the bytes wait on disk.
        request.body = upload ? { ...fields, file: upload.fileName ?? 'statement' } : fields;
        finish();
      },
      (error: unknown) => finish(error),
    );
  });
  request.pipe(parser);
}
