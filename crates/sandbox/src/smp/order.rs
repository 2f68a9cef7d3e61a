//! The list helpers of strategicpatch: element types, partitioning, de-duplication, and the order of a merged list
//! (the precedence is `$setElementOrder`, then the order in the patch, then the order in the live object). The
//! ordering follows the Go code step by step, including Go's `sort.SliceStable` algorithm, because its comparator
//! is not a strict order when an item is missing from the order list and another algorithm would give another order.

use serde_json::Value;

use super::error::{MAP, SmpError};
use super::gofmt;

type Result<T> = std::result::Result<T, SmpError>;

pub(super) const DELETE_DIRECTIVE: &str = "delete";
pub(super) const DIRECTIVE_MARKER: &str = "$patch";

/// The Go type (`reflect.TypeOf`) shared by the elements of `lists`: an error for a list of lists, mixed types, or
/// when every list is empty.
pub(super) fn slice_element_type(lists: &[&[Value]]) -> Result<&'static str> {
    let mut prev: Option<&'static str> = None;
    for list in lists {
        for item in *list {
            let current = gofmt::type_name(item);
            match prev {
                // A nil first element panics in Go (the server answers 500); report it as a type mismatch.
                None if item.is_null() => {
                    return Err(SmpError::MixedElementTypes {
                        lists: gofmt::v_lists(lists),
                    });
                }
                None if item.is_array() => return Err(SmpError::NoListOfLists),
                None => prev = Some(current),
                Some(p) if p != current => {
                    return Err(SmpError::MixedElementTypes {
                        lists: gofmt::v_lists(lists),
                    });
                }
                Some(_) => {}
            }
        }
    }
    prev.ok_or(SmpError::NoElements)
}

/// The value of `merge_key` in `item` as Go's `item.(map)[mergeKey]` reads it: `None` for a missing key, a null
/// value, or an item that is not a map.
fn key_value<'a>(item: &'a Value, merge_key: &str) -> Option<&'a Value> {
    item.as_object()
        .and_then(|m| m.get(merge_key))
        .filter(|v| !v.is_null())
}

/// Go's `index`: the position of `item` in `list`, comparing merge key values for maps and whole items otherwise.
fn index(list: &[Value], item: &Value, merge_key: &str, kind: &str) -> Option<usize> {
    if kind == MAP {
        let wanted = key_value(item, merge_key);
        list.iter().position(|v| key_value(v, merge_key) == wanted)
    } else {
        list.iter().position(|v| v == item)
    }
}

/// Go's `findMapInSliceBasedOnKeyValue`: the first map in `list` whose `key` equals `value`.
pub(super) fn find_map(list: &[Value], key: &str, value: &Value) -> Result<Option<usize>> {
    for (i, item) in list.iter().enumerate() {
        let Some(map) = item.as_object() else {
            return Err(SmpError::NotAMap(i));
        };
        if map.get(key) == Some(value) {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// Splits `list` into the items present in `partition_by` and the others (Go's
/// `partitionPrimitivesByPresentInList`).
pub(super) fn partition_primitives(list: &[Value], partition_by: &[Value]) -> (Vec<Value>, Vec<Value>) {
    list.iter().cloned().partition(|v| partition_by.contains(v))
}

/// Splits `list` into the maps whose merge key is present in `partition_by` and the others (Go's
/// `partitionMapsByPresentInList`).
pub(super) fn partition_maps(
    list: &[Value],
    partition_by: &[Value],
    merge_key: &str,
) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut present = Vec::new();
    let mut server_only = Vec::new();
    for item in list {
        let Some(map) = item.as_object() else {
            return Err(SmpError::bad_arg_type(MAP, item));
        };
        let Some(value) = map.get(merge_key) else {
            return Err(SmpError::no_merge_key(item, merge_key));
        };
        if find_map(partition_by, merge_key, value)?.is_some() {
            present.push(item.clone());
        } else {
            server_only.push(item.clone());
        }
    }
    Ok((present, server_only))
}

/// Go's `deduplicateScalars`, which moves the last element into the place of each duplicate it removes.
pub(super) fn deduplicate_scalars(mut s: Vec<Value>) -> Vec<Value> {
    let mut length = s.len() as isize - 1;
    let mut i: isize = 0;
    while i < length {
        let mut j = i + 1;
        while j <= length {
            if s[i as usize] == s[j as usize] {
                s[j as usize] = s[length as usize].clone();
                s.truncate(length as usize);
                length -= 1;
                continue;
            }
            j += 1;
        }
        i += 1;
    }
    s
}

/// Go's `deleteFromSlice`: `current` without the items of `to_delete`.
pub(super) fn delete_from_slice(current: &[Value], to_delete: &[Value]) -> Vec<Value> {
    current
        .iter()
        .filter(|v| !to_delete.contains(v))
        .cloned()
        .collect()
}

/// Checks that every item of `lists` is a map holding `merge_key` (Go's `validateMergeKeyInLists`).
fn validate_merge_key_in_lists(merge_key: &str, lists: &[&[Value]]) -> Result<()> {
    for item in lists.iter().flat_map(|l| l.iter()) {
        let Some(map) = item.as_object() else {
            return Err(SmpError::bad_arg_type(MAP, item));
        };
        if !map.contains_key(merge_key) {
            return Err(SmpError::no_merge_key(item, merge_key));
        }
    }
    Ok(())
}

/// Splits maps into those without and those with `$patch: delete` (Go's `extractToDeleteItems`).
pub(super) fn extract_to_delete_items(list: Vec<Value>) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut keep = Vec::new();
    let mut delete = Vec::new();
    for item in list {
        let Some(map) = item.as_object() else {
            return Err(SmpError::bad_arg_type(MAP, &item));
        };
        if map.get(DIRECTIVE_MARKER).and_then(Value::as_str) == Some(DELETE_DIRECTIVE) {
            delete.push(item);
        } else {
            keep.push(item);
        }
    }
    Ok((keep, delete))
}

/// Sorts `patch` by `patch_order` and `server_only` by `server_order`, then interleaves them (Go's
/// `normalizeElementOrder`).
pub(super) fn normalize_element_order(
    patch: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    merge_key: &str,
    kind: &str,
) -> Result<Vec<Value>> {
    let patch = normalize_slice_order(patch, patch_order, merge_key, kind)?;
    let server_only = normalize_slice_order(server_only, server_order, merge_key, kind)?;
    Ok(merge_sorted_slice(
        server_only,
        patch,
        server_order,
        merge_key,
        kind,
    ))
}

/// Go's `normalizeSliceOrder`: sorts `to_sort` by the positions of its items in `order`; `$patch: delete` items go
/// last.
fn normalize_slice_order(
    to_sort: Vec<Value>,
    order: &[Value],
    merge_key: &str,
    kind: &str,
) -> Result<Vec<Value>> {
    let (mut to_sort, to_delete) = if kind == MAP {
        validate_merge_key_in_lists(merge_key, &[&to_sort, order])?;
        extract_to_delete_items(to_sort)?
    } else {
        (to_sort, Vec::new())
    };
    go_slice_stable(&mut to_sort, |a, b| {
        match (index(order, a, merge_key, kind), index(order, b, merge_key, kind)) {
            (Some(ia), Some(ib)) => ia < ib,
            _ => true,
        }
    });
    to_sort.extend(to_delete);
    Ok(to_sort)
}

/// Go's `mergeSortedSlice`: inserts the items of `left` among those of `right`, keeping the relative order of both,
/// using the positions in `server_order` where both items are found.
fn merge_sorted_slice(
    left: Vec<Value>,
    right: Vec<Value>,
    server_order: &[Value],
    merge_key: &str,
    kind: &str,
) -> Vec<Value> {
    let less = |l: &Value, r: &Value| match (
        index(server_order, l, merge_key, kind),
        index(server_order, r, merge_key, kind),
    ) {
        (Some(li), Some(ri)) => li < ri,
        _ => false,
    };
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => less(l, r),
        };
        let next = if take_left { left.next() } else { right.next() };
        out.extend(next);
    }
    out
}

/// Go's `sort.SliceStable` (insertion sort on blocks of 20, then `symMerge`), step for step.
fn go_slice_stable(data: &mut [Value], less: impl Fn(&Value, &Value) -> bool) {
    let n = data.len();
    let lt = |d: &[Value], i: usize, j: usize| less(&d[i], &d[j]);
    let insertion_sort = |d: &mut [Value], a: usize, b: usize| {
        for i in a + 1..b {
            let mut j = i;
            while j > a && lt(d, j, j - 1) {
                d.swap(j, j - 1);
                j -= 1;
            }
        }
    };
    let mut block = 20;
    let (mut a, mut b) = (0, block);
    while b <= n {
        insertion_sort(data, a, b);
        a = b;
        b += block;
    }
    insertion_sort(data, a, n);
    while block < n {
        a = 0;
        b = 2 * block;
        while b <= n {
            sym_merge(data, a, a + block, b, &lt);
            a = b;
            b += 2 * block;
        }
        let m = a + block;
        if m < n {
            sym_merge(data, a, m, n, &lt);
        }
        block *= 2;
    }
}

fn sym_merge(d: &mut [Value], a: usize, m: usize, b: usize, lt: &impl Fn(&[Value], usize, usize) -> bool) {
    if m - a == 1 {
        let (mut i, mut j) = (m, b);
        while i < j {
            let h = (i + j) / 2;
            if lt(d, h, a) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        for k in a..i.saturating_sub(1) {
            d.swap(k, k + 1);
        }
        return;
    }
    if b - m == 1 {
        let (mut i, mut j) = (a, m);
        while i < j {
            let h = (i + j) / 2;
            if !lt(d, m, h) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        let mut k = m;
        while k > i {
            d.swap(k, k - 1);
            k -= 1;
        }
        return;
    }
    let mid = (a + b) / 2;
    let n = mid + m;
    let (mut start, mut r) = if m > mid { (n - b, mid) } else { (a, m) };
    let p = n - 1;
    while start < r {
        let c = (start + r) / 2;
        if !lt(d, p - c, c) {
            start = c + 1;
        } else {
            r = c;
        }
    }
    let end = n - start;
    if start < m && m < end {
        rotate(d, start, m, end);
    }
    if a < start && start < mid {
        sym_merge(d, a, start, mid, lt);
    }
    if mid < end && end < b {
        sym_merge(d, mid, end, b, lt);
    }
}

fn rotate(d: &mut [Value], a: usize, m: usize, b: usize) {
    let (mut i, mut j) = (m - a, b - m);
    while i != j {
        if i > j {
            swap_range(d, m - i, m, j);
            i -= j;
        } else {
            swap_range(d, m - i, m + j - i, i);
            j -= i;
        }
    }
    swap_range(d, m - i, m, i);
}

fn swap_range(d: &mut [Value], a: usize, b: usize, n: usize) {
    for i in 0..n {
        d.swap(a + i, b + i);
    }
}
