"use client";

import { Suspense } from "react";
import { cn } from "@/components/ui/cn";
import { NativeSelect } from "@/components/ui/input";
import { useQueryNavigation } from "./data-table";

/** Props of DataTableSelectFilter. */
export type DataTableSelectFilterProps = {
  /** The search param the chosen value is written to, e.g. `status`. */
  param: string;
  /** The accessible name, e.g. "Filter by status". */
  label: string;
  /** The first option, which clears the filter, e.g. "All statuses". */
  allLabel: string;
  options: readonly { value: string; label: string }[];
  className?: string;
};

/**
 * A menu that writes the chosen value to the URL search param `param` (or removes it for `allLabel`)
 * and drops `page` so results start from the first page. Has its own Suspense boundary.
 */
export function DataTableSelectFilter(props: DataTableSelectFilterProps) {
  return (
    <Suspense fallback={<FilterSelect {...props} value="" disabled />}>
      <UrlSelectFilter {...props} />
    </Suspense>
  );
}

function UrlSelectFilter(props: DataTableSelectFilterProps) {
  const { navigate, params } = useQueryNavigation();
  const { param } = props;
  return (
    <FilterSelect
      {...props}
      value={params.get(param) ?? ""}
      onChange={(value) =>
        navigate((p) => {
          if (value) p.set(param, value);
          else p.delete(param);
          p.delete("page");
        })
      }
    />
  );
}

function FilterSelect({
  param,
  label,
  allLabel,
  options,
  className,
  value,
  onChange,
  disabled,
}: DataTableSelectFilterProps & { value: string; onChange?: (value: string) => void; disabled?: boolean }) {
  return (
    <NativeSelect
      name={param}
      aria-label={label}
      className={cn("h-9 w-full sm:w-44", className)}
      value={value}
      disabled={disabled}
      onChange={(e) => onChange?.(e.target.value)}
    >
      <option value="">{allLabel}</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </NativeSelect>
  );
}
