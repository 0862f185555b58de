import dimse from 'dcmjs-dimse';

/**
 * Storage SOP classes (PS3.4 Annex B) that dcmjs-dimse's `StorageClass` list leaves out but
 * modalities and planning systems send every day (RT, segmentation, waveforms, presentation
 * states, key objects). Kept as data: add a UID here to accept it.
 */
const EXTRA_STORAGE_SOP_CLASSES: readonly string[] = [
  '1.2.840.10008.5.1.4.1.1.3', // Ultrasound Multi-frame Image Storage (Retired)
  '1.2.840.10008.5.1.4.1.1.5', // Nuclear Medicine Image Storage (Retired)
  '1.2.840.10008.5.1.4.1.1.6', // Ultrasound Image Storage (Retired)
  '1.2.840.10008.5.1.4.1.1.4.2', // MR Spectroscopy Storage
  '1.2.840.10008.5.1.4.1.1.6.2', // Enhanced US Volume Storage
  '1.2.840.10008.5.1.4.1.1.7', // Secondary Capture Image Storage (also in dcmjs-dimse's list)
  '1.2.840.10008.5.1.4.1.1.9.1.1', // 12-lead ECG Waveform Storage
  '1.2.840.10008.5.1.4.1.1.9.1.2', // General ECG Waveform Storage
  '1.2.840.10008.5.1.4.1.1.9.1.3', // Ambulatory ECG Waveform Storage
  '1.2.840.10008.5.1.4.1.1.9.2.1', // Hemodynamic Waveform Storage
  '1.2.840.10008.5.1.4.1.1.9.3.1', // Cardiac Electrophysiology Waveform Storage
  '1.2.840.10008.5.1.4.1.1.9.4.1', // Basic Voice Audio Waveform Storage
  '1.2.840.10008.5.1.4.1.1.11.1', // Grayscale Softcopy Presentation State Storage
  '1.2.840.10008.5.1.4.1.1.11.2', // Color Softcopy Presentation State Storage
  '1.2.840.10008.5.1.4.1.1.11.3', // Pseudo-Color Softcopy Presentation State Storage
  '1.2.840.10008.5.1.4.1.1.11.4', // Blending Softcopy Presentation State Storage
  '1.2.840.10008.5.1.4.1.1.12.3', // X-Ray Angiographic Bi-Plane Image Storage (Retired)
  '1.2.840.10008.5.1.4.1.1.30', // Parametric Map Storage
  '1.2.840.10008.5.1.4.1.1.66', // Raw Data Storage
  '1.2.840.10008.5.1.4.1.1.66.1', // Spatial Registration Storage
  '1.2.840.10008.5.1.4.1.1.66.2', // Spatial Fiducials Storage
  '1.2.840.10008.5.1.4.1.1.66.3', // Deformable Spatial Registration Storage
  '1.2.840.10008.5.1.4.1.1.66.4', // Segmentation Storage
  '1.2.840.10008.5.1.4.1.1.66.5', // Surface Segmentation Storage
  '1.2.840.10008.5.1.4.1.1.67', // Real World Value Mapping Storage
  '1.2.840.10008.5.1.4.1.1.88.59', // Key Object Selection Document Storage
  '1.2.840.10008.5.1.4.1.1.88.34', // Comprehensive 3D SR Storage
  '1.2.840.10008.5.1.4.1.1.88.68', // Radiopharmaceutical Radiation Dose SR Storage
  '1.2.840.10008.5.1.4.1.1.88.40', // Procedure Log Storage
  '1.2.840.10008.5.1.4.1.1.104.3', // Encapsulated STL Storage
  '1.2.840.10008.5.1.4.1.1.481.2', // RT Dose Storage
  '1.2.840.10008.5.1.4.1.1.481.3', // RT Structure Set Storage
  '1.2.840.10008.5.1.4.1.1.481.4', // RT Beams Treatment Record Storage
  '1.2.840.10008.5.1.4.1.1.481.5', // RT Plan Storage
  '1.2.840.10008.5.1.4.1.1.481.6', // RT Brachy Treatment Record Storage
  '1.2.840.10008.5.1.4.1.1.481.7', // RT Treatment Summary Record Storage
  '1.2.840.10008.5.1.4.1.1.481.8', // RT Ion Plan Storage
  '1.2.840.10008.5.1.4.1.1.481.9', // RT Ion Beams Treatment Record Storage
];

/** The Storage SOP classes the SCP accepts: dcmjs-dimse's `StorageClass` list plus the ones above. */
export const STORAGE_SOP_CLASSES: ReadonlySet<string> = new Set([
  ...Object.values(dimse.constants.StorageClass),
  ...EXTRA_STORAGE_SOP_CLASSES,
]);

/** The Verification SOP class (C-ECHO). */
export const VERIFICATION_SOP_CLASS: string = dimse.constants.SopClass.Verification;
