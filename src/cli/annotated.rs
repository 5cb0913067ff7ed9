//! `pizhu export FILE --annotated -o OUT.docx`: the document itself as a Word file, its
//! highlights in it and its notes as Word comments (批注) — a copy of the original for a
//! `.docx`, a 公文 laid out after GB/T 9704 for anything else.

use std::path::Path;

use crate::annotate::{AnnotationSet, Filter, now_ms};
use crate::export::{
    AnnotatedOptions, AnnotatedSource, Blanks, HighlightStyle, Lang, Layout, annotated_docx,
};
use crate::outline::outline;

use super::{Access, CliError, Notes, doc_title, fail, one_line, open, output_reason};

/// The options of the annotated document.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct AnnotatedArgs {
    /// Export the document itself as a Word .docx with the highlights in it and the notes
    /// as Word comments (批注); needs -o OUT.docx.
    #[arg(long, conflicts_with_all = ["outline", "format"], requires = "file")]
    pub annotated: bool,
    /// With --annotated: the author of the comments (default: $PIZHU_AUTHOR, else the
    /// login name).
    #[arg(long, requires = "annotated", value_name = "NAME")]
    pub author: Option<String>,
    /// With --annotated: highlights as a shading in Pizhu's colours, or in Word's nearest
    /// highlight colours.
    #[arg(long, value_enum, requires = "annotated", default_value_t)]
    pub highlight: HighlightStyle,
    /// With --annotated: keep the blanks (×, XX…) as they are, or mark each with a comment
    /// 待填写.
    #[arg(long, value_enum, requires = "annotated", default_value_t)]
    pub blanks: Blanks,
}

/// The author of the reader's comments: `--author`, else `PIZHU_AUTHOR`, else the login
/// name, else `Pizhu`.
fn author(args: &AnnotatedArgs) -> String {
    let env = |name: &str| {
        std::env::var(name)
            .ok()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    args.author
        .clone()
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .or_else(|| env("PIZHU_AUTHOR"))
        .or_else(|| env("USER"))
        .or_else(|| env("USERNAME"))
        .unwrap_or_else(|| "Pizhu".to_owned())
}

/// Write the annotated document of `file` to `output` (read-only on the notes).
pub(super) fn export(
    file: &Path,
    args: &AnnotatedArgs,
    filter: &Filter,
    english: bool,
    output: Option<(&Path, bool)>,
    data_dir: Option<&Path>,
) -> Result<String, CliError> {
    let Some((out, force)) = output else {
        return Err(fail(
            "the annotated document is a Word file; name it with -o FILE.docx",
            file,
        ));
    };
    let doc = open(file)?;
    let outline = outline(&doc);
    let title = doc_title(&outline, file);
    let dir = crate::store::annotations::data_dir(data_dir);
    let (set, store_path) = match &dir {
        Some(dir) => {
            let mut notes = Notes::load(dir, &doc, file, &title, Access::Read)?;
            notes.place(&doc);
            (notes.set, Some(notes.store.path().to_owned()))
        }
        None => {
            let mut set = AnnotationSet::default();
            set.import(crate::annotate::imported::from_document(&doc, &outline));
            (set, None)
        }
    };
    // Headings as the reader sees them (rules and corrections).
    let outline = super::corrections::with_corrections(&doc, outline, file, set.corrections())?;
    // A copy of the original for a .docx: its bytes, read again.
    let original = if doc.format == crate::document::SourceFormat::Docx {
        let bytes = crate::files::read_regular(
            file,
            crate::files::Links::Follow,
            crate::document::MAX_FILE_BYTES,
        )
        .map_err(|e| fail(format!("cannot read the document again ({e})"), file))?;
        Some(bytes)
    } else {
        None
    };
    let options = AnnotatedOptions {
        author: author(args),
        filter: filter.clone(),
        highlight: args.highlight,
        blanks: args.blanks,
        lang: if english { Lang::En } else { Lang::Zh },
        now_ms: now_ms(),
    };
    let source = AnnotatedSource {
        doc: &doc,
        outline: &outline,
        annotations: set.items(),
        title: &title,
        original: original.as_deref(),
    };
    let made =
        annotated_docx(&source, &options).map_err(|e| fail(one_line(&e.to_string()), file))?;
    let mut protected = vec![file];
    protected.extend(store_path.as_deref());
    crate::files::write_output(out, &made.bytes, &protected, force).map_err(|e| CliError {
        message: format!("cannot write the export ({})", output_reason(&e)),
        path: out.to_owned(),
    })?;
    let layout = match made.layout {
        Layout::Copy => "a copy of the original",
        Layout::Gongwen => "laid out as a 公文",
    };
    let left_out = if made.left_out > 0 {
        format!(
            ", {} not found in the text and left out (see `pizhu notes`)",
            made.left_out
        )
    } else {
        String::new()
    };
    crate::terminal::eprint_line(&format!(
        "pizhu: exported the annotated document ({layout}: {} comments, {} highlights{left_out}) to {}",
        made.comments,
        made.highlights,
        out.display()
    ));
    Ok(String::new())
}
