//! The server side of a strategic merge patch: a port of `mergeMap` and its helpers from
//! k8s.io/apimachinery/pkg/util/strategicpatch/patch.go with the options the API server uses
//! (`MergeParallelList` and `IgnoreUnmatchedNulls` both on).
//!
//! Go mutates lists in place, and the `$setElementOrder` step reads the live list *after* the merge through the old
//! slice header: deletions shift items left and appended items may land in the freed slots. [`Merged::view`]
//! reproduces that view, because the order of the result depends on it when a patch both deletes and adds items.

use serde_json::{Map, Value};

use super::error::{SLICE, SmpError};
use super::gofmt;
use super::order::{
    DELETE_DIRECTIVE, DIRECTIVE_MARKER, deduplicate_scalars, delete_from_slice, extract_to_delete_items,
    find_map, normalize_element_order, partition_maps, partition_primitives, slice_element_type,
};
use super::schema::{Schema, lookup};

type Obj = Map<String, Value>;
type Result<T> = std::result::Result<T, SmpError>;

const REPLACE_DIRECTIVE: &str = "replace";
const MERGE_DIRECTIVE: &str = "merge";
const RETAIN_KEYS_STRATEGY: &str = "retainKeys";
pub(super) const DELETE_FROM_PRIMITIVE_LIST_PREFIX: &str = "$deleteFromPrimitiveList";
pub(super) const RETAIN_KEYS_DIRECTIVE: &str = "$retainKeys";
pub(super) const SET_ELEMENT_ORDER_PREFIX: &str = "$setElementOrder";

/// Merges `patch` into `original` (Go's `mergeMap`).
pub(super) fn merge_map(original: Obj, mut patch: Obj, schema: Schema) -> Result<Obj> {
    if let Some(directive) = patch.get(DIRECTIVE_MARKER) {
        return handle_directive_in_merge_map(directive.clone(), patch);
    }
    let mut original = original;
    apply_retain_keys_directive(&mut original, &mut patch)?;
    merge_patch_into_original(&mut original, &mut patch, schema)?;

    for (key, patch_v) in patch {
        let (key, is_delete_list) = if key.starts_with(DELETE_FROM_PRIMITIVE_LIST_PREFIX) {
            (extract_key(&key, DELETE_FROM_PRIMITIVE_LIST_PREFIX)?, true)
        } else {
            (key, false)
        };
        if patch_v.is_null() {
            original.shift_remove(&key);
            continue;
        }
        let same_type = match original.get(&key) {
            None => false,
            Some(orig_v) => gofmt::type_name(orig_v) == gofmt::type_name(&patch_v),
        };
        if !same_type {
            // Absent from the original, or of another type: take the patch value (not for a deletion list).
            if !is_delete_list {
                set_from_patch(&mut original, key, patch_v);
            }
            continue;
        }
        let Some(orig_v) = original.get_mut(&key) else {
            continue;
        };
        match patch_v {
            Value::Object(patch_map) => {
                let (sub, strategies, _) = lookup(schema, &key);
                let (_, strategy) = extract_retain_keys_patch_strategy(strategies)?;
                let orig_map = take_object(orig_v);
                *orig_v = Value::Object(if strategy == REPLACE_DIRECTIVE {
                    patch_map
                } else {
                    merge_map(orig_map, patch_map, sub)?
                });
            }
            Value::Array(patch_list) => {
                let (sub, strategies, merge_key) = lookup(schema, &key);
                let (_, strategy) = extract_retain_keys_patch_strategy(strategies)?;
                let orig_list = take_array(orig_v);
                let merged =
                    merge_slice_handler(orig_list, patch_list, sub, strategy, merge_key, is_delete_list)?;
                *orig_v = Value::Array(merged.items);
            }
            scalar => *orig_v = scalar,
        }
    }
    Ok(original)
}

/// Stores a patch value as it is, without its null map values and `$patch` items (Go's
/// `discardNullValuesFromPatch` followed by `removeDirectives`).
fn set_from_patch(original: &mut Obj, key: String, mut patch_v: Value) {
    discard_null_values(&mut patch_v);
    match remove_directives(patch_v) {
        Some(v) => {
            original.insert(key, v);
        }
        None => {
            original.shift_remove(&key);
        }
    }
}

fn take_object(v: &mut Value) -> Obj {
    match v.take() {
        Value::Object(m) => m,
        _ => Obj::new(),
    }
}

fn take_array(v: &mut Value) -> Vec<Value> {
    match v.take() {
        Value::Array(l) => l,
        _ => Vec::new(),
    }
}

/// A `$patch` directive in a map: `replace` keeps the patch map as it is, `delete` empties the map, anything else
/// (`merge` included) is an error.
fn handle_directive_in_merge_map(directive: Value, mut patch: Obj) -> Result<Obj> {
    match directive.as_str() {
        Some(REPLACE_DIRECTIVE) => {
            patch.shift_remove(DIRECTIVE_MARKER);
            Ok(patch)
        }
        Some(DELETE_DIRECTIVE) => Ok(Obj::new()),
        _ => Err(SmpError::bad_patch_type(&directive, &Value::Object(patch))),
    }
}

/// Go's `extractKey`: the list name after `<prefix>/`.
fn extract_key(key: &str, prefix: &str) -> Result<String> {
    match key.split_once('/') {
        Some((head, rest)) if head == prefix => Ok(rest.to_owned()),
        _ if prefix == SET_ELEMENT_ORDER_PREFIX => Err(SmpError::BadPatchFormatForSetElementOrderList),
        _ => Err(SmpError::BadPatchFormatForPrimitiveList),
    }
}

/// Go's `extractRetainKeysPatchStrategy`: whether `retainKeys` is among the strategies, and the other strategy.
fn extract_retain_keys_patch_strategy(strategies: &[&'static str]) -> Result<(bool, &'static str)> {
    match strategies {
        [] => Ok((false, "")),
        [RETAIN_KEYS_STRATEGY] => Ok((true, "")),
        [single] => Ok((false, single)),
        [RETAIN_KEYS_STRATEGY, other] | [other, RETAIN_KEYS_STRATEGY] => Ok((true, other)),
        _ => Err(SmpError::UnexpectedPatchStrategy(format!(
            "[{}]",
            strategies.join(" ")
        ))),
    }
}

/// `$retainKeys`: clears the keys of `original` missing from the list, after checking that every key the patch sets
/// is in it.
fn apply_retain_keys_directive(original: &mut Obj, patch: &mut Obj) -> Result<()> {
    let Some(retain) = patch.shift_remove(RETAIN_KEYS_DIRECTIVE) else {
        return Ok(());
    };
    let Value::Array(retain) = retain else {
        return Err(SmpError::BadPatchFormatForRetainKeys);
    };
    let retained = |k: &str| retain.iter().any(|v| v.as_str() == Some(k));
    for (k, v) in patch.iter() {
        if v.is_null()
            || k.starts_with(DELETE_FROM_PRIMITIVE_LIST_PREFIX)
            || k.starts_with(SET_ELEMENT_ORDER_PREFIX)
        {
            continue;
        }
        if !retained(k) {
            return Err(SmpError::BadPatchFormatForRetainKeys);
        }
    }
    original.retain(|k, _| retained(k));
    Ok(())
}

/// `$setElementOrder/<list>`: merges the list with its patch, then orders it by the directive (Go's
/// `mergePatchIntoOriginal`). The merged list is removed from `patch`.
fn merge_patch_into_original(original: &mut Obj, patch: &mut Obj, schema: Schema) -> Result<()> {
    let keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER_PREFIX))
        .cloned()
        .collect();
    for key in keys {
        let Some(set_order) = patch.shift_remove(&key) else {
            continue;
        };
        let Value::Array(set_order) = set_order else {
            return Err(SmpError::bad_arg_type(SLICE, &set_order));
        };
        let original_key = extract_key(&key, SET_ELEMENT_ORDER_PREFIX)?;
        let original_list = match original.get(&original_key) {
            None => None,
            Some(Value::Array(l)) => Some(l.clone()),
            Some(other) => return Err(SmpError::bad_arg_type(SLICE, other)),
        };
        let patch_list = match patch.get(&original_key) {
            None => None,
            Some(Value::Array(l)) => Some(l.clone()),
            Some(other) => return Err(SmpError::bad_arg_type(SLICE, other)),
        };
        let (sub, strategies, merge_key) = lookup(schema, &original_key);
        let (_, strategy) = extract_retain_keys_patch_strategy(strategies)?;
        validate_patch_with_set_order_list(patch_list.as_deref().unwrap_or_default(), &set_order, merge_key)?;

        let original_field = original_list.clone().unwrap_or_default();
        let patch_field = patch_list.clone().unwrap_or_default();
        let merged = match (original_list, patch_list) {
            (Some(o), None) => Merged {
                items: o.clone(),
                view: o,
            },
            (None, Some(p)) => Merged {
                items: remove_directives_from_list(p),
                view: Vec::new(),
            },
            (Some(o), Some(p)) => merge_slice_handler(o, p, sub, strategy, merge_key, false)?,
            (None, None) => continue,
        };

        let (patch_items, server_only) = if merge_key.is_empty() {
            partition_primitives(&merged.items, &set_order)
        } else {
            partition_maps(&merged.items, &set_order, merge_key)?
        };
        let kind = slice_element_type(&[&original_field, &patch_field])?;
        // Go sorts the server-only items by the live list as its old slice header sees it after the merge.
        let both = normalize_element_order(
            patch_items,
            server_only,
            &set_order,
            &merged.view,
            merge_key,
            kind,
        )?;
        original.insert(original_key.clone(), Value::Array(both));
        patch.shift_remove(&original_key);
    }
    Ok(())
}

/// Checks that the patch list's items appear in the order of the `$setElementOrder` list and are all in it (Go's
/// `validatePatchWithSetOrderList`).
fn validate_patch_with_set_order_list(
    patch_list: &[Value],
    set_order: &[Value],
    merge_key: &str,
) -> Result<()> {
    if set_order.is_empty() || patch_list.is_empty() {
        return Ok(());
    }
    let non_delete = if merge_key.is_empty() {
        patch_list.to_vec()
    } else {
        extract_to_delete_items(patch_list.to_vec())?.0
    };
    let (mut pi, mut si) = (0, 0);
    while pi < non_delete.len() && si < set_order.len() {
        let item = &non_delete[pi];
        if item.get(DIRECTIVE_MARKER).is_some() {
            pi += 1;
            continue;
        }
        if merge_key_value_equal(item, &set_order[si], merge_key)? {
            pi += 1;
        }
        si += 1;
    }
    if pi < non_delete.len() && si >= set_order.len() {
        return Err(SmpError::SetElementOrderMismatch {
            patch: gofmt::v(&Value::Array(patch_list.to_vec())),
            order: gofmt::v(&Value::Array(set_order.to_vec())),
        });
    }
    Ok(())
}

fn merge_key_value_equal(left: &Value, right: &Value, merge_key: &str) -> Result<bool> {
    if merge_key.is_empty() {
        return Ok(left == right);
    }
    let (Some(l), Some(r)) = (left.as_object(), right.as_object()) else {
        let bad = if left.is_object() { right } else { left };
        return Err(SmpError::bad_arg_type(super::error::MAP, bad));
    };
    let Some(lv) = l.get(merge_key) else {
        return Err(SmpError::no_merge_key(left, merge_key));
    };
    let Some(rv) = r.get(merge_key) else {
        return Err(SmpError::no_merge_key(right, merge_key));
    };
    Ok(lv == rv)
}

/// A merged list, and the live list as Go's old slice header sees it afterwards (see the module docs).
pub(super) struct Merged {
    pub(super) items: Vec<Value>,
    pub(super) view: Vec<Value>,
}

/// Lists with the `merge` strategy (and `$deleteFromPrimitiveList` lists) are merged; any other list is replaced by
/// the patch list as it is.
fn merge_slice_handler(
    original: Vec<Value>,
    patch: Vec<Value>,
    schema: Schema,
    strategy: &str,
    merge_key: &str,
    is_delete_list: bool,
) -> Result<Merged> {
    if strategy == MERGE_DIRECTIVE || is_delete_list {
        merge_slice(original, patch, schema, merge_key, is_delete_list)
    } else {
        Ok(Merged {
            items: patch,
            view: original,
        })
    }
}

/// Go's `mergeSlice`: a set union for primitives (or a set difference for a deletion list); for maps, `$patch`
/// items first (`delete` by merge key, `replace`), then each patch item merged into the live item with the same
/// merge key or appended; finally the patch order is applied.
fn merge_slice(
    original: Vec<Value>,
    patch: Vec<Value>,
    schema: Schema,
    merge_key: &str,
    is_delete_list: bool,
) -> Result<Merged> {
    if original.is_empty() && patch.is_empty() {
        return Ok(Merged {
            items: Vec::new(),
            view: original,
        });
    }
    let kind = slice_element_type(&[&original, &patch])?;
    if kind != super::error::MAP {
        if is_delete_list {
            return Ok(Merged {
                items: delete_from_slice(&original, &patch),
                view: original,
            });
        }
        let mut both = original.clone();
        both.extend(patch.iter().cloned());
        let merged = deduplicate_scalars(both);
        let (patch_items, server_only) = if merge_key.is_empty() {
            partition_primitives(&merged, &patch)
        } else {
            partition_maps(&merged, &patch, merge_key)?
        };
        let items = normalize_element_order(patch_items, server_only, &patch, &original, merge_key, kind)?;
        return Ok(Merged {
            items,
            view: original,
        });
    }
    if merge_key.is_empty() {
        return Err(SmpError::NoMergeKeyForList);
    }

    // Go's slice of the live list: `backing[..len]`, where deletions shift items left in place.
    let orig_len = original.len();
    let mut backing = original;
    let mut len = orig_len;
    let mut patch_without_special = Vec::new();
    let mut replace = false;
    for item in patch {
        match item.get(DIRECTIVE_MARKER) {
            None => patch_without_special.push(item),
            Some(directive) => match directive.as_str() {
                Some(DELETE_DIRECTIVE) => {
                    let Some(value) = item.get(merge_key) else {
                        return Err(SmpError::no_merge_key(&item, merge_key));
                    };
                    while let Some(i) = find_map(&backing[..len], merge_key, value)? {
                        for j in i..len - 1 {
                            backing[j] = backing[j + 1].clone();
                        }
                        len -= 1;
                    }
                }
                Some(REPLACE_DIRECTIVE) => replace = true,
                Some(MERGE_DIRECTIVE) => return Err(SmpError::MergeDirectiveInList),
                _ => return Err(SmpError::bad_patch_type(directive, &item)),
            },
        }
    }
    // With `$patch: replace` the patch items (without directives) are the whole list, in their order.
    let (merged, patch_order, server_order) = if replace {
        let list = patch_without_special;
        (list.clone(), Vec::new(), list)
    } else {
        let len_after_deletes = len;
        for item in &patch_without_special {
            let Some(value) = item.get(merge_key) else {
                return Err(SmpError::no_merge_key(item, merge_key));
            };
            match find_map(&backing[..len], merge_key, value)? {
                Some(i) => {
                    let live = take_object(&mut backing[i]);
                    let patch_map = item.as_object().cloned().unwrap_or_default();
                    backing[i] = Value::Object(merge_map(live, patch_map, schema)?);
                }
                None => {
                    // Go's `append` writes into the slots freed by deletions before it grows the array.
                    if len < backing.len() {
                        backing[len] = item.clone();
                    } else {
                        backing.push(item.clone());
                    }
                    len += 1;
                }
            }
        }
        (
            backing[..len].to_vec(),
            patch_without_special,
            backing[..len_after_deletes].to_vec(),
        )
    };
    let (patch_items, server_only) = partition_maps(&merged, &patch_order, merge_key)?;
    let items = normalize_element_order(
        patch_items,
        server_only,
        &patch_order,
        &server_order,
        merge_key,
        kind,
    )?;
    backing.truncate(orig_len);
    Ok(Merged { items, view: backing })
}

/// Go's `removeDirectives`: drops every map holding `$patch` (`None` when `value` itself is one).
pub(super) fn remove_directives(value: Value) -> Option<Value> {
    match value {
        Value::Object(map) => {
            if map.contains_key(DIRECTIVE_MARKER) {
                return None;
            }
            Some(Value::Object(
                map.into_iter()
                    .filter_map(|(k, v)| remove_directives(v).map(|v| (k, v)))
                    .collect(),
            ))
        }
        Value::Array(items) => Some(Value::Array(remove_directives_from_list(items))),
        other => Some(other),
    }
}

fn remove_directives_from_list(items: Vec<Value>) -> Vec<Value> {
    items.into_iter().filter_map(remove_directives).collect()
}

/// Go's `discardNullValuesFromPatch`: removes the null values of maps, at any depth (nulls in lists stay).
fn discard_null_values(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(discard_null_values);
        }
        Value::Array(items) => items.iter_mut().for_each(discard_null_values),
        _ => {}
    }
}
