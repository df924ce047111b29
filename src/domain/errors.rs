use std::fmt;

/// Validation errors keyed by the form field (or front-matter key) they belong to,
/// so a form can show each one next to its field.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    /// Records `message` against `field`.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    /// The first message recorded for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every `(field, message)` pair, in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(f, m)| (*f, m.as_str()))
    }

    /// `Ok(value)` when nothing was recorded, the errors otherwise.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

/// Joins a validated draft with a field checked on its own (an update's
/// time), so the editor hears of every problem at once.
pub fn with_field<T, U>(
    draft: Result<T, FieldErrors>,
    field: &'static str,
    checked: Result<U, String>,
) -> Result<(T, U), FieldErrors> {
    match (draft, checked) {
        (Ok(draft), Ok(value)) => Ok((draft, value)),
        (draft, checked) => {
            let mut errors = draft.err().unwrap_or_default();
            if let Err(message) = checked {
                errors.add(field, message);
            }
            Err(errors)
        }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .iter()
            .map(|(field, m)| format!("{field}: {m}"))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}
