//! Dissection and analysis.
