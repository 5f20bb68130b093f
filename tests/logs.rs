//! logs tests
