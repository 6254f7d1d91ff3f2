//! Typed operation models (see typed.rs in the task).
