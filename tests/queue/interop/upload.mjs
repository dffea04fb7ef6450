// Upload one file with tus-js-client (the reference JavaScript tus client) and print the result.
// node upload.mjs ENDPOINT FILE CHUNK_SIZE  ->  {"url": ..., "bytes": ..., "retries": ...}
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { Upload } from "tus-js-client";

const [endpoint, file, chunk] = process.argv.slice(2);
const data = readFileSync(file);
let retries = 0;
const upload = new Upload(data, {
  endpoint,
  chunkSize: Number(chunk) || Infinity,
  retryDelays: [0, 200, 500, 1000, 2000],
  metadata: { filename: basename(file), filetype: "application/pdf" },
  onShouldRetry: (err, attempt, options) => {
    retries += 1;
    return true;
  },
  onError: (error) => {
    console.error(JSON.stringify({ error: String(error) }));
    process.exit(1);
  },
  onSuccess: () => {
    console.log(JSON.stringify({ url: upload.url, bytes: data.length, retries }));
  },
});
upload.start();
