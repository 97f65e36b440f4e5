// Minimal type declarations for the untyped bpmn.io packages, covering only what this package
// calls. They stay internal: no exported signature mentions these modules.

declare module 'saxen' {
  export interface SaxenContext {
    /** 0-based. */
    readonly line: number;
    /** 0-based. */
    readonly column: number;
    readonly data: string;
  }
  export interface SaxenTag {
    readonly name: string;
    /** The name as written, before namespace prefixes are normalised. */
    readonly originalName: string;
    readonly attrs: Readonly<Record<string, string>> | false;
  }
  type Decode = (text: string) => string;
  type GetContext = () => SaxenContext;
  export class Parser {
    constructor(options?: { proxy?: boolean });
    /** Turns on namespace checking; `map` renames namespace URIs to fixed prefixes. */
    ns(map?: Readonly<Record<string, string>>): this;
    on(
      event: 'openTag',
      cb: (tag: SaxenTag, decode: Decode, selfClosing: boolean, getContext: GetContext) => void,
    ): this;
    on(event: 'closeTag', cb: (name: string, decode: Decode, selfClosing: boolean) => void): this;
    on(event: 'error' | 'warn', cb: (error: Error, getContext: GetContext) => void): this;
    on(event: 'text', cb: (text: string, decode: Decode) => void): this;
    on(event: 'cdata', cb: (text: string) => void): this;
    on(
      event: 'attention',
      cb: (text: string, decode: Decode, getContext: GetContext) => void,
    ): this;
    parse(xml: string): Error | undefined;
  }
}

declare module 'moddle-xml' {
  export interface ReaderContext {
    readonly elementsById: Record<string, unknown>;
    readonly warnings: {
      readonly message: string;
      readonly error?: Error;
      readonly element?: unknown;
      readonly property?: string;
      readonly value?: unknown;
    }[];
  }
  export interface RootHandler {
    /** Set by `fromXML` before it parses anything. */
    context?: ReaderContext;
    /** The root element, once parsed. */
    element?: unknown;
  }
  export class Reader {
    constructor(options: { model: unknown; lax?: boolean });
    handler(typeName: string): RootHandler;
    fromXML(xml: string, rootHandler: RootHandler): Promise<unknown>;
  }
}

declare module 'bpmn-moddle' {
  export function BpmnModdle(packages?: Record<string, unknown>, options?: object): unknown;
}

declare module 'dmn-moddle' {
  export function DmnModdle(
    packages?: Record<string, unknown>,
    options?: { nsMap?: Record<string, string> },
  ): unknown;
}
