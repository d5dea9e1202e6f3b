export type { SafeDType, SafeTensor, SafeTensorsFile } from './format';
export { readSafetensors } from './read';
export { writeSafetensors } from './write';
export { fromFloat32, toFloat32 } from './float';
export { embeddingToSafetensors, embeddingFromSafetensors, type EmbeddingFile, type EmbeddingFileMeta } from './embedding-file';
export { checkFileName } from './file-name';
