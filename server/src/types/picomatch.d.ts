// picomatch 4 ships no type declarations; the engine uses its compiled matcher only.
declare module 'picomatch' {
  interface PicomatchOptions {
    dot?: boolean;
    nobrace?: boolean;
    noextglob?: boolean;
    nonegate?: boolean;
    nobracket?: boolean;
    nocase?: boolean;
  }
  function picomatch(glob: string | string[], options?: PicomatchOptions): (path: string) => boolean;
  export = picomatch;
}
