//! The typed method groups: `operation_group!` turns a generated table
//! (`generated/client/<tag>.rs`: an accessor, a group type, and per
//! operation a method name and request type) into methods of both clients,
//! each a [`send`](super::ZoomPhone::send) of its request type.

macro_rules! operation_group {
    (
        $(#[$group_attr:meta])*
        $module:ident => $Group:ident {
            $( $(#[$attr:meta])* $method:ident($Request:ident); )*
        }
    ) => {
        #[cfg(feature = "async-client")]
        $(#[$group_attr])*
        #[derive(Debug, Clone, Copy)]
        pub struct $Group<'a>(&'a $crate::client::ZoomPhone);

        #[cfg(feature = "async-client")]
        impl $crate::client::ZoomPhone {
            $(#[$group_attr])*
            pub fn $module(&self) -> $Group<'_> {
                $Group(self)
            }
        }

        #[cfg(feature = "async-client")]
        impl $Group<'_> {
            $(
                $(#[$attr])*
                pub async fn $method(
                    &self,
                    request: &$crate::ops::$module::$Request,
                ) -> ::core::result::Result<
                    <$crate::ops::$module::$Request as $crate::typed::Endpoint>::Response,
                    $crate::Error,
                > {
                    self.0.send(request).await
                }
            )*
        }

        /// The same operations on the blocking client.
        #[cfg(feature = "blocking-client")]
        pub mod blocking {
            $(#[$group_attr])*
            #[derive(Debug, Clone, Copy)]
            pub struct $Group<'a>(&'a $crate::client::blocking::ZoomPhone);

            impl $crate::client::blocking::ZoomPhone {
                $(#[$group_attr])*
                pub fn $module(&self) -> $Group<'_> {
                    $Group(self)
                }
            }

            impl $Group<'_> {
                $(
                    $(#[$attr])*
                    pub fn $method(
                        &self,
                        request: &$crate::ops::$module::$Request,
                    ) -> ::core::result::Result<
                        <$crate::ops::$module::$Request as $crate::typed::Endpoint>::Response,
                        $crate::Error,
                    > {
                        self.0.send(request)
                    }
                )*
            }
        }
    };
}

pub(crate) use operation_group;
