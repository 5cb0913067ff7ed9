use std::io::Write as _;
use std::process::ExitCode;

use pizhu::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse_args();
    let Some(command) = cli.command else {
        // Diagnostics for the window (graphics, file dialogs) on stderr with RUST_LOG=warn etc.
        env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("off")).init();
        let startup = match cli.file {
            Some(path) => pizhu::app::Startup::File(path),
            None => pizhu::app::Startup::Resume,
        };
        return match pizhu::app::run(startup, cli.data_dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!(
                    "pizhu: the window could not be opened ({e}); check that a display is available"
                );
                ExitCode::FAILURE
            }
        };
    };
    match run(&command, cli.data_dir.as_deref()) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(out.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => ExitCode::SUCCESS,
                // A closed pipe (`pizhu outline big.txt | head`) is not worth reporting.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!(
                        "pizhu: cannot write the output ({e}); check the disk or the pipe it goes to"
                    );
                    ExitCode::FAILURE
                }
            }
        }
        Err(e) => {
            eprintln!("pizhu: {e}");
            ExitCode::FAILURE
        }
    }
}
