// Minimal typing of the part of dcmjs (no bundled types) this lib uses: its data dictionary.
declare module 'dcmjs' {
  interface DcmjsDictionaryEntry {
    tag: string;
    vr?: string;
    vm?: string;
    name?: string;
  }
  const dcmjs: {
    data: {
      DicomMetaDictionary: {
        /** Keyed '(GGGG,EEEE)' upper-case hex; repeating groups (60xx) resolve too. */
        dictionary: Readonly<Record<string, DcmjsDictionaryEntry | undefined>>;
      };
    };
  };
  export default dcmjs;
}
