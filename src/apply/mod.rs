//! apply stage (being built).
