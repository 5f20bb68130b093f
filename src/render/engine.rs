//! The handlebars engine for a service's `template:`: strict mode, no HTML escaping, and the
//! `sh` helper that shell-quotes every interpolated value.

use super::quote::shell_quote;
use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderError,
    RenderErrorReason,
};
use serde_json::Value;

/// `{{sh value}}`: a string or number as one quoted shell word; an array as quoted words
/// joined by spaces. Anything else (null, objects, booleans) is an error, not a silent "".
fn sh_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let param = h
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("sh", 0))?;
    if param.is_value_missing() {
        return Err(RenderErrorReason::MissingVariable(param.relative_path().cloned()).into());
    }
    let text = match param.value() {
        Value::Array(items) => items
            .iter()
            .map(word)
            .collect::<Result<Vec<_>, _>>()?
            .join(" "),
        v => word(v)?,
    };
    out.write(&text)?;
    Ok(())
}

fn word(v: &Value) -> Result<String, RenderError> {
    match v {
        Value::String(s) => Ok(shell_quote(s)),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(RenderErrorReason::Other(format!(
            "sh: cannot quote {other} (expected a string, number or list)"
        ))
        .into()),
    }
}

/// A registry with the helper and settings every template (built-in or user's) gets.
pub fn new_registry() -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    hb.register_escape_fn(handlebars::no_escape);
    hb.set_strict_mode(true);
    hb.register_helper("sh", Box::new(sh_helper));
    hb
}
