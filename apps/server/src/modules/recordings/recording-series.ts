// Deleting a recording's series lives with the series (metrics/storage/recording-series.ts): the hourly maintenance
// deletes recordings past their retention with it, and storage imports nothing from this module. Here for the
// recordings API.
export {
  deleteRecordingSeries,
  deleteRecordingWithSeries,
  type RecordingWindow,
} from '../metrics/storage/recording-series.ts';
