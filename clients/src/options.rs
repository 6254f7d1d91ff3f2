//! The per-call option setters every call builder of both clients has
//! (typed calls, listings), written once.

/// `timeout`, `max_attempts`, `retry_non_idempotent`, `header` and
/// `options` on a builder whose [`CallOptions`](crate::CallOptions) are
/// at `$($field).+`.
macro_rules! call_options {
    ($($field:ident).+) => {
        /// Replaces this call's options.
        pub fn options(mut self, options: $crate::CallOptions) -> Self {
            self.$($field).+ = options;
            self
        }

        /// How long the call may take from its start, retries and waits
        /// included (overrides the client's [`timeout`](crate::Builder::timeout)).
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.$($field).+ = ::std::mem::take(&mut self.$($field).+).timeout(timeout);
            self
        }

        /// Attempts in all for this call, the first included.
        pub fn max_attempts(mut self, attempts: u32) -> Self {
            self.$($field).+ = ::std::mem::take(&mut self.$($field).+).max_attempts(attempts);
            self
        }

        /// Retry this call after a 5xx, timeout or reset even if it is a
        /// write, accepting that it may be applied twice.
        pub fn retry_non_idempotent(mut self, allow: bool) -> Self {
            self.$($field).+ =
                ::std::mem::take(&mut self.$($field).+).retry_non_idempotent(allow);
            self
        }

        /// An extra request header (checked when the call starts; never logged).
        pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.$($field).+ = ::std::mem::take(&mut self.$($field).+).header(name, value);
            self
        }
    };
}

pub(crate) use call_options;
