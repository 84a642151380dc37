"use client";

import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cosineSimilarity } from "@/lib/vectors/cosine";

export type Embedded = { texts: string[]; vectors: number[][]; tokens: number | null };

/** The vectors' size, and the cosine similarity of every pair of texts, most alike first. */
export function EmbeddingsResult({ result }: { result: Embedded }) {
  const pairs: { a: number; b: number; score: number }[] = [];
  for (let a = 0; a < result.vectors.length; a++) {
    for (let b = a + 1; b < result.vectors.length; b++) pairs.push({ a, b, score: cosineSimilarity(result.vectors[a], result.vectors[b]) });
  }
  pairs.sort((x, y) => y.score - x.score);
  return (
    <div className="space-y-2" data-testid="try-embeddings">
      <p className="text-sm">
        {result.vectors.length} vector{result.vectors.length === 1 ? "" : "s"} of <strong data-testid="try-dimensions">{result.vectors[0]?.length ?? 0}</strong> dimensions
        {result.tokens !== null && ` · ${result.tokens} tokens`}
      </p>
      {pairs.length > 0 && (
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Text</TableHead>
              <TableHead>Text</TableHead>
              <TableHead className="text-right">Cosine similarity</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {pairs.slice(0, 20).map((p) => (
              <TableRow key={`${p.a}-${p.b}`}>
                <TableCell className="max-w-64 truncate text-xs">{result.texts[p.a]}</TableCell>
                <TableCell className="max-w-64 truncate text-xs">{result.texts[p.b]}</TableCell>
                <TableCell className="text-right font-mono text-xs tabular-nums">{p.score.toFixed(3)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </div>
  );
}
