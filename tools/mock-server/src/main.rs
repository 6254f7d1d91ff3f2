//! `zoom-phone-mock`: runs the sandbox server in the foreground. The first
//! line on stdout is always `listening on http://127.0.0.1:PORT`, so a script
//! can start it in the background and read the port (or use --port-file).

use std::io::Write;

use zoom_phone_mock::{MockServer, USAGE, parse_args};

fn main() -> std::process::ExitCode {
    let (config, cli) = match parse_args(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("zoom-phone-mock: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    if cli.help {
        print!("{USAGE}");
        return std::process::ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("zoom-phone-mock: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let server = match MockServer::start(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("zoom-phone-mock: cannot bind: {e}");
                return std::process::ExitCode::FAILURE;
            }
        };
        if let Some(path) = &cli.port_file {
            if let Err(e) = std::fs::write(path, server.addr().port().to_string()) {
                eprintln!("zoom-phone-mock: cannot write {}: {e}", path.display());
                return std::process::ExitCode::FAILURE;
            }
        }
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {}", server.url());
        let _ = out.flush();
        drop(out);
        // Runs until the process is interrupted or killed.
        std::future::pending::<()>().await;
        std::process::ExitCode::SUCCESS
    })
}
