//! Capture sources and sinks.
