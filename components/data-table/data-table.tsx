"use client";

import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type SortingState } from "@tanstack/react-table";
import { ArrowDown, ArrowUp, ArrowUpDown, ChevronLeft, ChevronRight, Search } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Suspense, useEffect, useRef, useState, useTransition, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Input } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

/** Props of DataTable. The server has already filtered, sorted and sliced `data` to this page. */
export type DataTableProps<T> = {
  // `any` lets columns with different value types share one array, as TanStack's own helpers do.
  columns: ColumnDef<T, any>[];
  /** The rows of the current page only. */
  data: T[];
  /** How many rows match across all pages. */
  total: number;
  /** 1-based. */
  page: number;
  pageSize: number;
  /** The applied sort as `field.asc` or `field.desc`; `field` is a column id (its accessorKey). */
  sort?: string;
  emptyMessage?: string;
  /** Controls shown above the table, e.g. DataTableTextFilter. */
  filters?: ReactNode;
  /** A stable row key; defaults to the row's index on the page. */
  getRowId?: (row: T, index: number) => string;
  /** The row's `data-testid`, for browser tests that find a row by what it shows. */
  getRowTestId?: (row: T) => string;
};

type Navigate = (change: (params: URLSearchParams) => void, mode?: "push" | "replace") => void;

const count = new Intl.NumberFormat("en-US");

function parseSort(sort: string | undefined): SortingState {
  if (!sort) return [];
  const dot = sort.lastIndexOf(".");
  if (dot <= 0) return [];
  const dir = sort.slice(dot + 1);
  return dir === "asc" || dir === "desc" ? [{ id: sort.slice(0, dot), desc: dir === "desc" }] : [];
}

/** Rewrites the current URL's query, keeping every parameter the change does not touch. */
export function useQueryNavigation(): { navigate: Navigate; pending: boolean; params: URLSearchParams } {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();
  const navigate: Navigate = (change, mode = "push") => {
    const next = new URLSearchParams(params.toString());
    change(next);
    const query = next.toString();
    const url = query ? `${pathname}?${query}` : pathname;
    // A transition keeps the current rows on screen (dimmed) until the server sends the new page.
    startTransition(() => (mode === "push" ? router.push(url, { scroll: false }) : router.replace(url, { scroll: false })));
  };
  return { navigate, pending, params };
}

/**
 * A table whose paging and sorting happen on the server: clicking a sortable header or
 * Previous/Next rewrites the `sort` and `page` search params and the page re-renders with new rows.
 * A column is sortable only when its definition sets `enableSorting: true`.
 * Reads the URL through useSearchParams inside its own Suspense boundary, so pages need not add one.
 * The fallback shows the same rows without their test ids: React may reveal the streamed table a
 * moment after the page loads, and until then both are in the document.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  return (
    <Suspense fallback={<DataTableView {...props} getRowTestId={undefined} />}>
      <UrlDataTable {...props} />
    </Suspense>
  );
}

function UrlDataTable<T>(props: DataTableProps<T>) {
  const { navigate, pending } = useQueryNavigation();
  return <DataTableView {...props} navigate={navigate} pending={pending} />;
}

function DataTableView<T>({
  columns,
  data,
  total,
  page,
  pageSize,
  sort,
  emptyMessage = "No results.",
  filters,
  getRowId,
  getRowTestId,
  navigate,
  pending = false,
}: DataTableProps<T> & { navigate?: Navigate; pending?: boolean }) {
  const sorting = parseSort(sort);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const table = useReactTable({
    data,
    columns,
    getRowId,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    pageCount,
    state: { sorting, pagination: { pageIndex: page - 1, pageSize } },
  });

  const toggleSort = (field: string) => {
    const current = sorting[0];
    const dir = current?.id === field && !current.desc ? "desc" : "asc";
    navigate?.((p) => {
      p.set("sort", `${field}.${dir}`);
      // A new order makes the old page number meaningless.
      p.delete("page");
    });
  };
  const goTo = (target: number) =>
    navigate?.((p) => {
      if (target <= 1) p.delete("page");
      else p.set("page", String(target));
    });

  const first = data.length ? (page - 1) * pageSize + 1 : 0;
  const last = data.length ? first + data.length - 1 : 0;
  const leafCount = table.getVisibleLeafColumns().length;

  return (
    <div data-slot="data-table" className="space-y-3">
      {filters && <div className="flex flex-wrap items-center gap-2">{filters}</div>}
      <div className="overflow-hidden rounded-lg border border-border bg-card">
        <Table aria-busy={pending || undefined}>
          <TableHeader>
            {table.getHeaderGroups().map((group) => (
              <TableRow key={group.id}>
                {group.headers.map((header) => {
                  const sortable = header.column.columnDef.enableSorting === true;
                  const active = sorting[0]?.id === header.column.id ? sorting[0] : undefined;
                  const content = header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext());
                  const SortIcon = active ? (active.desc ? ArrowDown : ArrowUp) : ArrowUpDown;
                  return (
                    <TableHead
                      key={header.id}
                      colSpan={header.colSpan}
                      aria-sort={sortable ? (active ? (active.desc ? "descending" : "ascending") : "none") : undefined}
                    >
                      {sortable && !header.isPlaceholder ? (
                        <button
                          type="button"
                          disabled={!navigate}
                          onClick={() => toggleSort(header.column.id)}
                          className={cn(
                            "-mx-1.5 inline-flex h-7 items-center gap-1 rounded px-1.5 transition-colors hover:bg-accent hover:text-foreground",
                            "focus-visible:outline-hidden focus-visible:ring-2 focus-visible:ring-ring disabled:cursor-default",
                            active && "text-foreground",
                          )}
                        >
                          {content}
                          <SortIcon className={cn("size-3.5", !active && "opacity-40")} aria-hidden />
                        </button>
                      ) : (
                        content
                      )}
                    </TableHead>
                  );
                })}
              </TableRow>
            ))}
          </TableHeader>
          <TableBody className={cn("transition-opacity", pending && "opacity-60")}>
            {table.getRowModel().rows.length ? (
              table.getRowModel().rows.map((row) => (
                <TableRow key={row.id} data-testid={getRowTestId?.(row.original)}>
                  {row.getVisibleCells().map((cell) => (
                    <TableCell key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</TableCell>
                  ))}
                </TableRow>
              ))
            ) : (
              <TableRow className="hover:bg-transparent">
                <TableCell colSpan={leafCount} className="h-28 text-center text-muted-foreground">
                  {emptyMessage}
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-3 text-sm text-muted-foreground">
        <p aria-live="polite" className="tabular-nums">
          {data.length ? `Showing ${count.format(first)}–${count.format(last)} of ${count.format(total)}` : `Showing 0 of ${count.format(total)}`}
        </p>
        <div className="flex items-center gap-2">
          <span className="hidden tabular-nums sm:inline">
            Page {count.format(page)} of {count.format(pageCount)}
          </span>
          <Button variant="outline" size="sm" disabled={!navigate || page <= 1} onClick={() => goTo(Math.min(page - 1, pageCount))}>
            <ChevronLeft className="size-4" aria-hidden /> Previous
          </Button>
          <Button variant="outline" size="sm" disabled={!navigate || page >= pageCount} onClick={() => goTo(page + 1)}>
            Next <ChevronRight className="size-4" aria-hidden />
          </Button>
        </div>
      </div>
    </div>
  );
}

/** Props of DataTableTextFilter. */
export type DataTableTextFilterProps = {
  /** The search param the text is written to, e.g. `q`. */
  param: string;
  placeholder?: string;
  className?: string;
};

/**
 * A search box that writes its text to the URL search param `param` about 300 ms after typing stops,
 * and drops `page` so results start from the first page. Has its own Suspense boundary.
 */
export function DataTableTextFilter(props: DataTableTextFilterProps) {
  return (
    <Suspense fallback={<FilterInput {...props} value="" disabled />}>
      <UrlTextFilter {...props} />
    </Suspense>
  );
}

function UrlTextFilter({ param, placeholder, className }: DataTableTextFilterProps) {
  const { navigate, params } = useQueryNavigation();
  const urlValue = params.get(param) ?? "";
  const [value, setValue] = useState(urlValue);
  // What this box last wrote, to tell its own URL updates from outside ones (back button, links).
  const written = useRef(urlValue);
  // The timer must write into the URL as it is when it fires, not as it was when typing began.
  const navigateRef = useRef(navigate);
  useEffect(() => {
    navigateRef.current = navigate;
  });

  useEffect(() => {
    if (urlValue === written.current) return;
    written.current = urlValue;
    setValue(urlValue);
  }, [urlValue]);

  useEffect(() => {
    const next = value.trim();
    if (next === written.current) return;
    const timer = setTimeout(() => {
      written.current = next;
      // Replace, not push: one history entry per keystroke would make Back useless.
      navigateRef.current((p) => {
        if (next) p.set(param, next);
        else p.delete(param);
        p.delete("page");
      }, "replace");
    }, 300);
    return () => clearTimeout(timer);
  }, [value, param]);

  return <FilterInput param={param} placeholder={placeholder} className={className} value={value} onChange={setValue} />;
}

function FilterInput({
  param,
  placeholder,
  className,
  value,
  onChange,
  disabled,
}: DataTableTextFilterProps & { value: string; onChange?: (value: string) => void; disabled?: boolean }) {
  return (
    <div className={cn("relative w-full sm:w-64", className)}>
      <Search className="pointer-events-none absolute left-2.5 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
      <Input
        type="search"
        name={param}
        aria-label={placeholder ?? `Filter by ${param}`}
        placeholder={placeholder}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange?.(e.target.value)}
        className="pl-8"
      />
    </div>
  );
}
