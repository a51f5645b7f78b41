// clipper-lib ships no typings; these cover what detect/ uses (offsetting and polygon intersection).
declare module 'clipper-lib' {
  export interface IntPoint {
    X: number
    Y: number
  }
  export type Path = IntPoint[]
  export type Paths = Path[]
  export class ClipperOffset {
    constructor(miterLimit?: number, arcTolerance?: number)
    AddPath(path: Path, joinType: number, endType: number): void
    Execute(solution: Paths, delta: number): void
  }
  export class Clipper {
    AddPath(path: Path, polyType: number, closed: boolean): boolean
    Execute(clipType: number, solution: Paths, subjFillType?: number, clipFillType?: number): boolean
    static Area(path: Path): number
  }
  export const JoinType: { jtSquare: number; jtRound: number; jtMiter: number }
  export const EndType: { etClosedPolygon: number }
  export const PolyType: { ptSubject: number; ptClip: number }
  export const ClipType: { ctIntersection: number; ctUnion: number }
  export const PolyFillType: { pftNonZero: number; pftEvenOdd: number }
  const ClipperLib: {
    ClipperOffset: typeof ClipperOffset
    Clipper: typeof Clipper
    JoinType: typeof JoinType
    EndType: typeof EndType
    PolyType: typeof PolyType
    ClipType: typeof ClipType
    PolyFillType: typeof PolyFillType
  }
  export default ClipperLib
}
