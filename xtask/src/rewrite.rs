//! OpenAPI 3.1 schemas rewritten into the OpenAPI 3.0.3 that progenitor 0.15 reads.
//!
//! Only facts survive: descriptions, titles and examples are wording (ours is written by
//! hand), and `x-` extensions inside schemas mean nothing to the generator.
//!
//! | 3.1 | 3.0.3 |
//! | --- | --- |
//! | `type: [T, "null"]` | `type: T` + `nullable: true` |
//! | `type: [T, U]` | `oneOf: [{type: T}, {type: U}]` |
//! | `anyOf`/`oneOf` with a `{type: "null"}` member | the other member(s), `nullable: true`; a lone `$ref` member becomes `allOf: [$ref]` |
//! | `enum` with `null` | the other values, `nullable: true` |
//! | `const: x` | `enum: [x]` |
//! | `exclusiveMinimum: n` | `minimum: n` + `exclusiveMinimum: true` (same for maximum) |
//! | `$ref` beside other keywords | `allOf: [$ref]` beside them (3.0 ignores a `$ref`'s siblings) |
//! | `pattern` | dropped: progenitor would check it with the `regress` crate, rejecting a response whose value OpenRouter's own pattern no longer matches |
//! | `enum` on an `integer` or `number` | dropped: typify would close it (a value added later would fail to decode) and its generated impl does not compile in edition 2024 |
//! | `anyOf: [{type: string, enum: ['true', 'false']}, {type: boolean}]` | `type: boolean`: both are the same on the wire of a query string, and an open string enum cannot be told from a boolean |

use serde_yaml_ng::{Mapping, Value};

/// Keys that carry wording or examples, not facts.
const WORDING: [&str; 5] = ["description", "summary", "title", "example", "examples"];

/// Keywords whose value is one schema.
const ONE_SCHEMA: [&str; 4] = ["items", "additionalProperties", "not", "propertyNames"];

/// The 3.0.3 form of one schema (recursively).
pub fn schema(node: &Value) -> Value {
    match node {
        Value::Mapping(map) => Value::Mapping(schema_map(map)),
        other => other.clone(),
    }
}

fn schema_map(map: &Mapping) -> Mapping {
    let mut out = Mapping::new();
    let mut nullable = false;
    for (key, value) in map {
        let Some(k) = key.as_str() else {
            continue;
        };
        if WORDING.contains(&k) || k.starts_with("x-") || k == "pattern" {
            continue;
        }
        match (k, value) {
            ("type", Value::Sequence(types)) => {
                let non_null: Vec<&Value> = types
                    .iter()
                    .filter(|t| t.as_str() != Some("null"))
                    .collect();
                nullable |= non_null.len() < types.len();
                match non_null.as_slice() {
                    [] => {}
                    [one] => set(&mut out, "type", (*one).clone()),
                    many => {
                        let variants = many
                            .iter()
                            .map(|t| {
                                let mut variant = Mapping::new();
                                set(&mut variant, "type", (*t).clone());
                                Value::Mapping(variant)
                            })
                            .collect();
                        set(&mut out, "oneOf", Value::Sequence(variants));
                    }
                }
            }
            ("const", value) => set(&mut out, "enum", Value::Sequence(vec![value.clone()])),
            ("nullable", value) => nullable |= value.as_bool() == Some(true),
            ("enum", Value::Sequence(values)) => {
                nullable |= values.iter().any(Value::is_null);
                let kept = values.iter().filter(|v| !v.is_null()).cloned().collect();
                set(&mut out, "enum", Value::Sequence(kept));
            }
            ("exclusiveMinimum" | "exclusiveMaximum", Value::Number(_)) => {
                let bound = if k == "exclusiveMinimum" {
                    "minimum"
                } else {
                    "maximum"
                };
                set(&mut out, bound, value.clone());
                set(&mut out, k, Value::Bool(true));
            }
            ("properties" | "patternProperties", Value::Mapping(properties)) => {
                let rewritten = properties
                    .iter()
                    .map(|(name, property)| (name.clone(), schema(property)))
                    .collect();
                set(&mut out, k, Value::Mapping(rewritten));
            }
            ("allOf", Value::Sequence(members)) => {
                // Members left empty once their wording is gone say nothing.
                let kept = members
                    .iter()
                    .map(schema)
                    .filter(|m| m.as_mapping().is_none_or(|m| !m.is_empty()))
                    .collect();
                set(&mut out, k, Value::Sequence(kept));
            }
            ("anyOf" | "oneOf", Value::Sequence(members)) => {
                let rest: Vec<Value> = members
                    .iter()
                    .filter(|member| !is_null_schema(member))
                    .map(schema)
                    .collect();
                nullable |= rest.len() < members.len();
                match rest.as_slice() {
                    [] => {}
                    [only] if only.get("$ref").is_some() => {
                        set(&mut out, "allOf", Value::Sequence(vec![only.clone()]));
                    }
                    [Value::Mapping(only)] => {
                        for (inner_key, inner_value) in only {
                            if inner_key.as_str() == Some("nullable") {
                                nullable |= inner_value.as_bool() == Some(true);
                            } else {
                                out.insert(inner_key.clone(), inner_value.clone());
                            }
                        }
                    }
                    _ => set(&mut out, k, Value::Sequence(rest)),
                }
            }
            (k, value) if ONE_SCHEMA.contains(&k) => set(&mut out, k, schema(value)),
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if (out.len() > 1 || nullable)
        && let Some(reference) = out.shift_remove("$ref")
    {
        let mut target = Mapping::new();
        set(&mut target, "$ref", reference);
        let mut all_of = vec![Value::Mapping(target)];
        if let Some(Value::Sequence(existing)) = out.shift_remove("allOf") {
            all_of.extend(existing);
        }
        set(&mut out, "allOf", Value::Sequence(all_of));
    }
    if matches!(
        out.get("type").and_then(Value::as_str),
        Some("integer" | "number")
    ) {
        out.shift_remove("enum");
    }
    if let Some(Value::Sequence(members)) = out.get("anyOf").or_else(|| out.get("oneOf"))
        && members.len() == 2
        && members.iter().all(is_boolean_like)
    {
        out.shift_remove("anyOf");
        out.shift_remove("oneOf");
        set(&mut out, "type", Value::String("boolean".into()));
    }
    if nullable {
        set(&mut out, "nullable", Value::Bool(true));
    } else if out.len() == 1
        && let Some(Value::Sequence(members)) = out.get("allOf")
        && let [Value::Mapping(only)] = members.as_slice()
        && only.contains_key("$ref")
    {
        // `allOf: [$ref]` alone is the reference itself.
        return only.clone();
    }
    out
}

/// `{type: boolean}`, or a string enum of exactly `"true"` and `"false"`.
fn is_boolean_like(node: &Value) -> bool {
    let Some(map) = node.as_mapping() else {
        return false;
    };
    match map.get("type").and_then(Value::as_str) {
        Some("boolean") => map.len() == 1,
        Some("string") => {
            let mut values: Vec<&str> = map
                .get("enum")
                .and_then(Value::as_sequence)
                .map(|values| values.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            values.sort_unstable();
            map.len() == 2 && values == ["false", "true"]
        }
        _ => false,
    }
}

/// `{type: "null"}` (or `{type: ["null"]}`, `{enum: [null]}`, `{const: null}`).
fn is_null_schema(node: &Value) -> bool {
    match node.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Sequence(types)) => types.iter().all(|t| t.as_str() == Some("null")),
        _ => {
            node.get("const").is_some_and(Value::is_null)
                || node
                    .get("enum")
                    .and_then(Value::as_sequence)
                    .is_some_and(|values| values.iter().all(Value::is_null))
        }
    }
}

pub fn set(map: &mut Mapping, key: &str, value: Value) {
    map.insert(Value::String(key.to_string()), value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(yaml: &str) -> Value {
        schema(&serde_yaml_ng::from_str(yaml).expect("fixture parses"))
    }

    fn yaml(text: &str) -> Value {
        serde_yaml_ng::from_str(text).expect("expected parses")
    }

    #[test]
    fn null_type_lists_become_nullable() {
        assert_eq!(
            rewrite("{type: [string, 'null'], format: date-time, description: words}"),
            yaml("{type: string, format: date-time, nullable: true}")
        );
        assert_eq!(
            rewrite("{type: [string, integer]}"),
            yaml("{oneOf: [{type: string}, {type: integer}]}")
        );
    }

    #[test]
    fn const_enum_null_and_examples() {
        assert_eq!(
            rewrite("{type: string, const: ok, examples: [ok], pattern: '^o'}"),
            yaml("{type: string, enum: [ok]}")
        );
        assert_eq!(
            rewrite("{type: [string, 'null'], enum: [a, b, null], example: a}"),
            yaml("{type: string, enum: [a, b], nullable: true}")
        );
        assert_eq!(
            rewrite("{type: integer, exclusiveMinimum: 0}"),
            yaml("{type: integer, minimum: 0, exclusiveMinimum: true}")
        );
    }

    #[test]
    fn unions_with_null_become_nullable_members() {
        assert_eq!(
            rewrite("{anyOf: [{$ref: '#/components/schemas/A'}, {type: 'null'}]}"),
            yaml("{allOf: [{$ref: '#/components/schemas/A'}], nullable: true}")
        );
        assert_eq!(
            rewrite("{oneOf: [{type: 'null'}, {type: number, format: double}]}"),
            yaml("{type: number, format: double, nullable: true}")
        );
        assert_eq!(
            rewrite("{anyOf: [{type: string}, {type: number}, {type: 'null'}]}"),
            yaml("{anyOf: [{type: string}, {type: number}], nullable: true}")
        );
    }

    #[test]
    fn number_enums_open_and_boolean_spellings_become_booleans() {
        assert_eq!(
            rewrite("{type: integer, enum: [0, -1, -2], example: 0}"),
            yaml("{type: integer}")
        );
        assert_eq!(
            rewrite("{type: string, enum: ['0', '1']}"),
            yaml("{type: string, enum: ['0', '1']}")
        );
        assert_eq!(
            rewrite(
                "{anyOf: [{type: string, enum: ['true', 'false']}, {type: boolean}], example: false}"
            ),
            yaml("{type: boolean}")
        );
        assert_eq!(
            rewrite("{anyOf: [{type: string, enum: ['yes', 'no']}, {type: boolean}]}"),
            yaml("{anyOf: [{type: string, enum: ['yes', 'no']}, {type: boolean}]}")
        );
    }

    #[test]
    fn nested_schemas_are_rewritten_and_wording_dropped() {
        let out = rewrite(
            r##"
type: object
title: Thing
x-speakeasy-name-override: thing
required: [a]
properties:
  a: {type: array, items: {type: [integer, 'null']}}
  b: {$ref: '#/components/schemas/B', description: about b}
  c: {type: object, additionalProperties: {type: [string, 'null']}}
"##,
        );
        assert_eq!(
            out,
            yaml(
                r##"
type: object
required: [a]
properties:
  a: {type: array, items: {type: integer, nullable: true}}
  b: {$ref: '#/components/schemas/B'}
  c: {type: object, additionalProperties: {type: string, nullable: true}}
"##
            )
        );
        assert_eq!(
            rewrite("{allOf: [{$ref: '#/components/schemas/B'}, {description: about b}]}"),
            yaml("{$ref: '#/components/schemas/B'}")
        );
        assert_eq!(
            rewrite("{$ref: '#/components/schemas/B', deprecated: true}"),
            yaml("{deprecated: true, allOf: [{$ref: '#/components/schemas/B'}]}")
        );
    }
}
