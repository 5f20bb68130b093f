//! A template that does not compile or render, reported as `FILE:LINE:COL: error: …`.

use std::path::PathBuf;

/// Why a user's template could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The template file (as the spec names it).
    pub path: PathBuf,
    /// 1-based position inside the template, when handlebars knows it.
    pub pos: Option<(usize, usize)>,
    pub message: String,
}

impl TemplateError {
    pub(crate) fn from_handlebars(path: PathBuf, e: &handlebars::RenderError) -> TemplateError {
        let reason = e.reason();
        let (pos, message) = match reason {
            handlebars::RenderErrorReason::TemplateError(t) => (t.pos(), t.reason().to_string()),
            handlebars::RenderErrorReason::MissingVariable(Some(v)) => (
                e.line_no.zip(e.column_no),
                format!("no such variable `{v}` (strict mode)"),
            ),
            other => (e.line_no.zip(e.column_no), other.to_string()),
        };
        TemplateError { path, pos, message }
    }
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.pos {
            Some((line, col)) => write!(
                f,
                "{}:{line}:{col}: error: {}",
                self.path.display(),
                self.message
            ),
            None => write!(f, "{}: error: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for TemplateError {}
