// Why: the last step of `npm run build`: record the inputs it built from (see buildStamp.ts).
import { writeBuildStamp } from './buildStamp.js'

writeBuildStamp()
