//! The last touches to the generated document, so that client generators
//! read it as the server behaves: one class per resource, one nullable
//! style, and each list's sort fields as an enum.
//!
//! utoipa writes a flattened struct as `allOf` of its parts, a generic page
//! with an inline copy of its item, `Option<T>` as `type: [T, "null"]` or,
//! for a reference, `oneOf: [$ref, null]`, and cannot know which fields a
//! handler sorts by. These passes rewrite the JSON once, when the document
//! is built.
use serde_json::{Map, Value, json};

const SCHEMA_REF: &str = "#/components/schemas/";

/// Keywords that describe a value rather than constrain its type: they stay
/// beside a `oneOf` instead of moving into its non-null branch.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// Every rewrite, in order. `sorts` pairs a list's path (its `GET`) with
/// the fields it sorts by.
pub fn normalize(
    doc: &mut Value,
    sorts: &[(&str, &[&str])],
    always_present: &[(&str, &[&str])],
) -> Result<(), String> {
    flatten_all_of(doc);
    require(doc, always_present)?;
    page_items_by_ref(doc);
    one_nullable_style(doc);
    drop_unused_schemas(doc);
    sort_enums(doc, sorts)
}

fn schemas(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    doc.pointer_mut("/components/schemas")?.as_object_mut()
}

/// `allOf: [$ref A, {extension}]` (a struct with a flattened part) becomes
/// one object with the properties of both, the extension's first and
/// winning where both name a property, `required` the union. A generated
/// client then has one class for the resource, and a property the
/// extension narrows (an optional `member_id` of a form that the stored
/// application always has) is not two conflicting definitions.
fn flatten_all_of(doc: &mut Value) {
    let Some(snapshot) = schemas(doc).map(|s| s.clone()) else {
        return;
    };
    let Some(schemas) = schemas(doc) else { return };
    for schema in schemas.values_mut() {
        let Some(parts) = schema.get("allOf").and_then(Value::as_array).cloned() else {
            continue;
        };
        let mut properties = Map::new();
        let mut required: Vec<Value> = Vec::new();
        // The inline extension first: its fields lead and win.
        let resolved: Vec<Value> = parts
            .iter()
            .rev()
            .map(|part| resolve(part, &snapshot))
            .collect();
        for part in &resolved {
            if let Some(props) = part.get("properties").and_then(Value::as_object) {
                for (name, prop) in props {
                    properties
                        .entry(name.clone())
                        .or_insert_with(|| prop.clone());
                }
            }
            for name in part
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if !required.contains(name) {
                    required.push(name.clone());
                }
            }
        }
        // `required` in the struct's own order.
        let order: Vec<&String> = properties.keys().collect();
        required.sort_by_key(|name| order.iter().position(|p| Some(p.as_str()) == name.as_str()));
        let object = schema
            .as_object_mut()
            .expect("a schema with allOf is an object");
        object.shift_remove("allOf");
        object.insert("type".into(), json!("object"));
        object.insert("required".into(), Value::Array(required));
        object.insert("properties".into(), Value::Object(properties));
    }
}

/// A `$ref` to a component, read from `schemas`; anything else as it is.
fn resolve(part: &Value, schemas: &Map<String, Value>) -> Value {
    part.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(SCHEMA_REF))
        .and_then(|name| schemas.get(name))
        .cloned()
        .unwrap_or_else(|| part.clone())
}

/// Marks fields a response always holds as `required` where the schema
/// cannot say so itself: a request form flattened into a response, whose
/// fields with defaults are optional to send but always sent back.
fn require(doc: &mut Value, always_present: &[(&str, &[&str])]) -> Result<(), String> {
    for (schema, fields) in always_present {
        let object = schemas(doc)
            .and_then(|s| s.get_mut(*schema))
            .ok_or_else(|| format!("no schema {schema} to mark fields required in"))?;
        let known: Vec<String> = object
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        let required = object
            .as_object_mut()
            .ok_or_else(|| format!("{schema} is not an object"))?
            .entry("required")
            .or_insert_with(|| json!([]));
        let Value::Array(required) = required else {
            return Err(format!("{schema}.required is not a list"));
        };
        for field in *fields {
            if !known.iter().any(|k| k == field) {
                return Err(format!("{schema} has no field {field}"));
            }
            if !required.contains(&json!(field)) {
                required.push(json!(field));
            }
        }
        // `required` in the schema's own order.
        required.sort_by_key(|name| known.iter().position(|k| Some(k.as_str()) == name.as_str()));
    }
    Ok(())
}

/// Drops component schemas nothing refers to any more (the parts that
/// `flatten_all_of` merged into their whole), until none is left.
fn drop_unused_schemas(doc: &mut Value) {
    loop {
        let mut used = std::collections::HashSet::new();
        collect_refs(doc, &mut used);
        let Some(schemas) = schemas(doc) else { return };
        let before = schemas.len();
        // A schema referring only to itself is still unused.
        schemas.retain(|name, _| used.contains(&format!("{SCHEMA_REF}{name}")));
        if schemas.len() == before {
            return;
        }
    }
}

fn collect_refs(value: &Value, used: &mut std::collections::HashSet<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(r)) = object.get("$ref") {
                used.insert(r.clone());
            }
            object.values().for_each(|v| collect_refs(v, used));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, used)),
        _ => {}
    }
}

/// `Page_X.items` refers to `X` instead of holding a copy of it.
fn page_items_by_ref(doc: &mut Value) {
    let Some(schemas) = schemas(doc) else { return };
    let pages: Vec<String> = schemas
        .keys()
        .filter(|name| name.starts_with("Page_"))
        .cloned()
        .collect();
    for page in pages {
        let item = page.trim_start_matches("Page_").to_owned();
        let Some(inline) = schemas
            .get(&page)
            .and_then(|p| p.pointer("/properties/items/items"))
            .cloned()
        else {
            continue;
        };
        // A page of a type no operation names on its own still gets one.
        schemas.entry(item.clone()).or_insert(inline);
        if let Some(items) = schemas
            .get_mut(&page)
            .and_then(|p| p.pointer_mut("/properties/items/items"))
        {
            *items = json!({ "$ref": format!("{SCHEMA_REF}{item}") });
        }
    }
}

/// Every nullable value as `oneOf: [the type, {"type": "null"}]`, with its
/// description and example beside the `oneOf` (the only form a nullable
/// `$ref` can take, so the one used everywhere).
fn one_nullable_style(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if let Some(other) = nullable_type_array(object) {
                let mut branch = Map::new();
                let mut outer = Map::new();
                for (key, v) in std::mem::take(object) {
                    if key == "type" {
                        branch.insert(key, json!(other));
                    } else if ANNOTATIONS.contains(&key.as_str()) {
                        outer.insert(key, v);
                    } else {
                        branch.insert(key, v);
                    }
                }
                outer.insert(
                    "oneOf".into(),
                    json!([Value::Object(branch), { "type": "null" }]),
                );
                *object = outer;
            } else if let Some(Value::Array(branches)) = object.get_mut("oneOf") {
                // A nullable `$ref` whose description utoipa put inside it.
                let mut hoisted = Map::new();
                if branches.iter().any(|b| b == &json!({ "type": "null" })) {
                    for branch in branches.iter_mut().filter_map(Value::as_object_mut) {
                        if branch.contains_key("$ref") {
                            for key in ANNOTATIONS {
                                if let Some(v) = branch.shift_remove(*key) {
                                    hoisted.insert((*key).to_owned(), v);
                                }
                            }
                        }
                    }
                }
                for (key, v) in hoisted {
                    object.entry(key).or_insert(v);
                }
            }
            object.values_mut().for_each(one_nullable_style);
        }
        Value::Array(items) => items.iter_mut().for_each(one_nullable_style),
        _ => {}
    }
}

/// The non-null type of `type: [T, "null"]`.
fn nullable_type_array(object: &Map<String, Value>) -> Option<String> {
    let types = object.get("type")?.as_array()?;
    if types.len() != 2 || !types.contains(&json!("null")) {
        return None;
    }
    types
        .iter()
        .filter_map(Value::as_str)
        .find(|t| *t != "null")
        .map(str::to_owned)
}

/// The `sort` parameter of each list as the enum of what it accepts
/// (`field` ascending, `-field` descending). Every `sort` parameter in the
/// document must have its list in `sorts`.
fn sort_enums(doc: &mut Value, sorts: &[(&str, &[&str])]) -> Result<(), String> {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    let mut missing = Vec::new();
    for (path, item) in paths.iter_mut() {
        let Some(ops) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in ops.iter_mut() {
            let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
                continue;
            };
            for param in params.iter_mut() {
                if param.get("name") != Some(&json!("sort"))
                    || param.get("in") != Some(&json!("query"))
                {
                    continue;
                }
                let Some((_, fields)) = sorts.iter().find(|(p, _)| p == path) else {
                    missing.push(format!("{method} {path}"));
                    continue;
                };
                let values: Vec<String> = fields
                    .iter()
                    .flat_map(|f| [(*f).to_owned(), format!("-{f}")])
                    .collect();
                param["schema"] = json!({ "type": "string", "enum": values });
            }
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "lists with a `sort` parameter but no sort fields in api::docs: {}",
            missing.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flattened_struct_is_one_object_whose_extension_wins() {
        let mut doc = json!({"components": {"schemas": {
            "Form": {"type": "object", "required": ["role"], "properties": {
                "member_id": {"type": ["string", "null"]}, "role": {"type": "string"}}},
            "Dto": {"description": "d", "allOf": [
                {"$ref": "#/components/schemas/Form"},
                {"type": "object", "required": ["id", "member_id"], "properties": {
                    "id": {"type": "string"}, "member_id": {"type": "string"}}}]}
        }}});
        flatten_all_of(&mut doc);
        let dto = &doc["components"]["schemas"]["Dto"];
        assert_eq!(dto["description"], "d");
        assert!(dto.get("allOf").is_none());
        assert_eq!(dto["properties"]["member_id"], json!({"type": "string"}));
        assert_eq!(dto["required"], json!(["id", "member_id", "role"]));
        let names: Vec<&String> = dto["properties"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["id", "member_id", "role"]);
    }

    #[test]
    fn schemas_nothing_refers_to_are_dropped() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/schemas/A"}}}}},
            "components": {"schemas": {
                "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}},
                "B": {"type": "string"},
                "Merged": {"properties": {"c": {"$ref": "#/components/schemas/C"}}},
                "C": {"type": "string"}
            }}
        });
        drop_unused_schemas(&mut doc);
        let names: Vec<&String> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(names, ["A", "B"]);
    }

    #[test]
    fn page_items_refer_to_their_schema() {
        let mut doc = json!({"components": {"schemas": {
            "Page_Thing": {"type": "object", "properties": {
                "items": {"type": "array", "items": {"type": "object", "description": "x"}}}}
        }}});
        page_items_by_ref(&mut doc);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Page_Thing"]["properties"]["items"]["items"],
            json!({"$ref": "#/components/schemas/Thing"})
        );
        assert_eq!(
            schemas["Thing"],
            json!({"type": "object", "description": "x"})
        );
    }

    #[test]
    fn nullables_take_one_form_with_annotations_outside() {
        let mut schema = json!({"properties": {
            "a": {"type": ["string", "null"], "format": "date", "description": "when"},
            "b": {"oneOf": [{"$ref": "#/components/schemas/B", "description": "bee"}, {"type": "null"}]},
            "type": {"type": "string"}
        }});
        one_nullable_style(&mut schema);
        assert_eq!(
            schema["properties"]["a"],
            json!({"description": "when", "oneOf": [{"type": "string", "format": "date"}, {"type": "null"}]})
        );
        assert_eq!(
            schema["properties"]["b"],
            json!({"description": "bee", "oneOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}]})
        );
        assert_eq!(schema["properties"]["type"], json!({"type": "string"}));
    }

    #[test]
    fn sort_parameters_list_their_fields_and_none_is_forgotten() {
        let op =
            json!({"parameters": [{"name": "sort", "in": "query", "schema": {"type": "string"}}]});
        let mut doc = json!({"paths": {"/a": {"get": op.clone()}, "/b": {"get": op}}});
        let err = sort_enums(&mut doc, &[("/a", &["name"])]).unwrap_err();
        assert!(err.contains("get /b"), "{err}");
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"][0]["schema"],
            json!({"type": "string", "enum": ["name", "-name"]})
        );
    }
}
