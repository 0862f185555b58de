// Contract in progress: see docs/ and the lib's README.
export {};
