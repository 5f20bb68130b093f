//! plan stage (being built).
