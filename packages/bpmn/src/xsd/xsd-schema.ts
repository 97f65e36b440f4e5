import {
  ParseOption,
  XmlBufferInputProvider,
  XmlDocument,
  XmlLibError,
  XsdValidator,
  xmlRegisterInputProvider,
} from 'libxml2-wasm';
import { ValidationError, type ValidationLocation } from '@spiff-ts/core';
import { scanXml, type XmlScan } from '../parser/xml-scan.js';

/** The text of a set of XSD files: `entry` is the name of the main one, which imports the rest. */
export interface XsdFiles {
  readonly entry: string;
  /** File name (as the schemas' `schemaLocation`s name them) → XSD text. */
  readonly files: Readonly<Record<string, string>>;
}

/** At most this many further schema violations are kept as notes on the error. */
const MAX_NOTES = 20;

let compiled = 0;

/**
 * A compiled XML Schema, validating with libxml2 (compiled to WebAssembly, shipped inside the
 * `libxml2-wasm` package). Validation is synchronous.
 */
export class XsdSchema {
  readonly #validator: XsdValidator;
  readonly #schemaDoc: XmlDocument;

  private constructor(validator: XsdValidator, schemaDoc: XmlDocument) {
    this.#validator = validator;
    this.#schemaDoc = schemaDoc;
  }

  /**
   * Compiles a schema from XSD texts held in memory; nothing is read from disk or network.
   *
   * @throws {@link ValidationError} when the schema itself is invalid
   */
  static compile(xsd: XsdFiles): XsdSchema {
    // libxml2 resolves imports and includes through registered input providers, globally;
    // a fresh prefix per schema keeps schemas with equal file names apart.
    compiled += 1;
    const base = `mem:/spiff-ts-xsd/${compiled}/`;
    const encoder = new TextEncoder();
    const buffers = Object.fromEntries(
      Object.entries(xsd.files).map(([name, text]) => [
        base + name,
        encoder.encode(stripBom(text)),
      ]),
    );
    xmlRegisterInputProvider(new XmlBufferInputProvider(buffers));
    const entry = buffers[base + xsd.entry];
    if (entry === undefined) throw new ValidationError(`No schema file '${xsd.entry}'`, {});
    let doc: XmlDocument | undefined;
    try {
      // The validator may point into the schema document, so both live as long as the schema.
      doc = XmlDocument.fromBuffer(entry, { url: base + xsd.entry });
      return new XsdSchema(XsdValidator.fromDoc(doc), doc);
    } catch (error) {
      doc?.dispose();
      if (error instanceof XmlLibError) {
        throw new ValidationError(
          `Invalid schema '${xsd.entry}': ${detailMessage(error)}`,
          {},
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  /**
   * Validates an XML document against this schema.
   *
   * @throws {@link ValidationError} naming the file, line and (where the line has one) element
   *   id of the first violation, with further violations as notes; also for a DTD or XML that
   *   is not well-formed
   */
  validate(xml: string, file?: string): void {
    const text = stripBom(xml);
    const scan = scanXml(text, file); // refuses DTDs before libxml2 sees the text
    let doc: XmlDocument | undefined;
    try {
      // The text is already decoded: parse it as UTF-8 whatever its declaration says.
      doc = XmlDocument.fromString(withUtf8Declaration(text), {
        ...(file === undefined ? {} : { url: file }),
        option: ParseOption.XML_PARSE_NONET,
      });
      this.#validator.validate(doc);
    } catch (error) {
      if (error instanceof XmlLibError) throw toValidationError(error, scan, file);
      throw error;
    } finally {
      doc?.dispose();
    }
  }

  /** Frees the compiled schema. */
  dispose(): void {
    this.#validator.dispose();
    this.#schemaDoc.dispose();
  }
}

function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function withUtf8Declaration(text: string): string {
  return text.replace(/^(<\?xml[^>]*?\sencoding\s*=\s*)(["'])[^"']*\2/, '$1$2UTF-8$2');
}

function detailMessage(error: XmlLibError): string {
  return (error.details[0]?.message ?? error.message).trim();
}

function toValidationError(
  error: XmlLibError,
  scan: XmlScan,
  file: string | undefined,
): ValidationError {
  const idsByLine = new Map<number, string>();
  for (const [id, line] of scan.lines) if (!idsByLine.has(line)) idsByLine.set(line, id);
  const locate = (line: number | undefined, column: number | undefined): ValidationLocation => {
    const elementId = line === undefined ? undefined : idsByLine.get(line);
    return {
      file,
      ...(elementId === undefined ? {} : { elementId }),
      ...(line === undefined || line <= 0 ? {} : { line }),
      ...(column === undefined || column <= 0 ? {} : { column }),
    };
  };
  const [first, ...others] = error.details;
  const result = new ValidationError(
    `Schema violation: ${detailMessage(error)}`,
    locate(first?.line, first?.col),
    { cause: error },
  );
  for (const detail of others.slice(0, MAX_NOTES)) {
    result.addNote(`${detail.message.trim()} (line ${detail.line})`);
  }
  if (others.length > MAX_NOTES) result.addNote(`… and ${others.length - MAX_NOTES} more`);
  return result;
}
