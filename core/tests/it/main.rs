//! Integration tests of the zoom-phone core (one test binary; modules beside it).

mod errors;
mod every_operation;
mod path_encoding;
mod raw_spec;
mod readme;
